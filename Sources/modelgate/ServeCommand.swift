import ArgumentParser

/// `modelgate serve`: placeholder until its issue lands.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the authorization service (HTTP and gRPC fronts).")

    func run() async throws {
        throw ValidationError("'serve' is not built yet")
    }
}
