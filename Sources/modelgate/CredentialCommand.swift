import ArgumentParser

/// `modelgate credential`: placeholder until its issue lands.
struct CredentialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "credential", abstract: "Manage provider credentials in the database.")

    func run() async throws {
        throw ValidationError("'credential' is not built yet")
    }
}
