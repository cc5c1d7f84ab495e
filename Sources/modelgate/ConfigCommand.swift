import ArgumentParser
import Foundation
import ModelgateConfig

/// `modelgate config`: config file tools.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate a config file.",
        subcommands: [Validate.self])

    /// `modelgate config validate FILE`.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a config file as `serve` would and report every problem.",
            discussion: """
                Exits 0 and prints a summary when the file loads; exits 2 and prints every problem with its location (such as model_list[3].litellm_params.model) when not. os.environ/NAME values are resolved from this process's environment.

                Example:
                  modelgate config validate config.yaml
                """)

        @Argument(help: "The config file (LiteLLM config.yaml format).")
        var file: String

        func run() async throws {
            _ = OfflineLogging.bootstrap()
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                Console.error("\(file): cannot read: \(error.localizedDescription)")
                throw ExitCode(2)
            }
            let config: GatewayConfig
            do {
                config = try GatewayConfig.parse(yaml: text, environment: ProcessInfo.processInfo.environment)
            } catch {
                for problem in error.problems { Console.error("\(file): \(problem)") }
                Console.error("\(file): \(error.problems.count) problem\(error.problems.count == 1 ? "" : "s")")
                throw ExitCode(2)
            }
            print(Self.summary(config, file: file))
        }

        static func summary(_ config: GatewayConfig, file: String) -> String {
            let parts = config.parts
            let groups = Set(parts.deployments.map(\.groupName)).count
            var lines = [
                "\(file): OK",
                "  model groups: \(groups) (\(parts.deployments.count) deployment\(parts.deployments.count == 1 ? "" : "s"))",
                "  credentials:  \(parts.credentials.count)",
                "  keys:         \(parts.keys.count)",
                "  teams:        \(parts.teams.count)",
                "  users:        \(parts.users.count)",
                "  master key:   \(config.masterKey == nil ? "not set" : "set")",
            ]
            if !config.ignoredSections.isEmpty {
                lines.append("  ignored sections: \(config.ignoredSections.joined(separator: ", "))")
            }
            return lines.joined(separator: "\n")
        }
    }
}
