import ArgumentParser

/// `modelgate config`: placeholder until its issue lands.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Validate a config file.")

    func run() async throws {
        throw ValidationError("'config' is not built yet")
    }
}
