import ArgumentParser

/// `modelgate key`: placeholder until its issue lands.
struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Manage virtual keys in the database.")

    func run() async throws {
        throw ValidationError("'key' is not built yet")
    }
}
