import ArgumentParser
import Foundation
import ModelgateConfig

/// `modelgate config`: config file tools.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate a config file, or show how it reads each deployment.",
        subcommands: [Validate.self, Models.self])

    /// `modelgate config validate FILE`.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a config file as `serve` would and report every problem.",
            discussion: """
                Exits 0 and prints a summary when the file loads, then one warning per thing that will not work as the file may expect (an os.environ/ reference that is not set, a LiteLLM authentication setting modelgate does not apply, a model name no provider places, a repeated key in a section modelgate does not read); exits 2 and prints every problem with its location (such as model_list[3].litellm_params.model) when not. No message quotes the file's text. os.environ/NAME values are resolved from this process's environment, then from the config's environment_variables section.

                Example:
                  modelgate config validate config.yaml
                """)

        @Argument(help: "The config file (LiteLLM config.yaml format).")
        var file: String

        func run() async throws {
            _ = OfflineLogging.bootstrap()
            let config = try load(file)
            print(Self.summary(config, file: file))
            for warning in config.warnings { print("warning: \(file): \(warning)") }
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
                "  warnings:     \(config.warnings.count)",
            ]
            if !config.ignoredSections.isEmpty {
                lines.append("  ignored sections: \(config.ignoredSections.joined(separator: ", "))")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// `modelgate config models FILE`.
    struct Models: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print how each deployment of a config file is read: group, provider, provider-native id, and what decided the provider.",
            discussion: """
                One line per model_list entry, tab-separated: model group, provider, provider-native id, and how the provider was decided (custom_llm_provider, prefix, registry, routing rule, or OpenAI-compatible when nothing places the name), as LiteLLM's get_llm_provider decides it. With --json, one JSON object per line.

                Example:
                  modelgate config models config.yaml
                """)

        @Argument(help: "The config file (LiteLLM config.yaml format).")
        var file: String

        @Flag(help: "One JSON object per line instead of tab-separated text.")
        var json = false

        func run() async throws {
            _ = OfflineLogging.bootstrap()
            let config = try load(file)
            for deployment in config.parts.deployments {
                let fields = [
                    ("model_name", deployment.groupName), ("litellm_model", deployment.litellmModel),
                    ("provider", deployment.provider.rawValue), ("model_id", deployment.modelID),
                    ("placement", deployment.placement?.rawValue ?? ""),
                ]
                if json {
                    let object = Dictionary(uniqueKeysWithValues: fields)
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print([fields[0].1, fields[2].1, fields[3].1, fields[4].1].joined(separator: "\t"))
                }
            }
        }
    }
}

/// Loads a config file as `serve` does, or prints every problem and exits 2.
private func load(_ file: String) throws -> GatewayConfig {
    let text: String
    do {
        text = try String(contentsOfFile: file, encoding: .utf8)
    } catch {
        Console.error("\(file): cannot read: \(error.localizedDescription)")
        throw ExitCode(2)
    }
    do {
        return try GatewayConfig.parse(yaml: text, environment: ProcessInfo.processInfo.environment)
    } catch {
        for problem in error.problems { Console.error("\(file): \(problem)") }
        Console.error("\(file): \(error.problems.count) problem\(error.problems.count == 1 ? "" : "s")")
        throw ExitCode(2)
    }
}
