import ArgumentParser

/// `modelgate team`: placeholder until its issue lands.
struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "team", abstract: "Manage teams in the database.")

    func run() async throws {
        throw ValidationError("'team' is not built yet")
    }
}
