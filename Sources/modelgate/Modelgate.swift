import ArgumentParser
import Foundation

/// `modelgate`: the authorization sidecar and its offline admin tools.
@main
struct Modelgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelgate",
        abstract: "Authorization sidecar for LLM API traffic: may this key call this model?",
        subcommands: [ServeCommand.self, CheckCommand.self, ConfigCommand.self, KeyCommand.self, TeamCommand.self, UserCommand.self, CredentialCommand.self]
    )

    /// ArgumentParser's own entry point, except that usage errors exit 2 (CONTRACT §1:
    /// `check` exits 2 on a usage or config error) instead of its default 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
