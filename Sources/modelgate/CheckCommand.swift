import ArgumentParser

/// `modelgate check`: placeholder until its issue lands.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Decide one request offline and print the decision JSON.")

    func run() async throws {
        throw ValidationError("'check' is not built yet")
    }
}
