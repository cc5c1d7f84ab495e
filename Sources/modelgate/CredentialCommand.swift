import ArgumentParser
import Foundation
import ModelgateStore

/// `modelgate credential`: provider credentials in the database, encrypted under
/// `MODELGATE_SECRET_KEY` (the same operations as the admin API).
struct CredentialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential",
        abstract: "Manage provider credentials in the database.",
        discussion: """
            Values are encrypted with AES-GCM under a key derived from MODELGATE_SECRET_KEY, which must be set (and be the same for the running service). Values are never printed.
            """,
        subcommands: [Add.self, List.self, Delete.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a credential.",
            discussion: """
                Prefer --api-key-env or --api-key-stdin: a value on the command line lands in shell history and the process list.

                Examples:
                  export MODELGATE_SECRET_KEY=…
                  modelgate credential add bedrock-team-1 --provider bedrock \\
                      --api-key-env BEDROCK_KEY
                  printf %s "$GEMINI_KEY" | modelgate credential add gemini-team-1 \\
                      --provider gemini --api-key-stdin
                """)

        @OptionGroup var store: AdminStoreOptions
        @Argument(help: "The credential name that model_config and litellm_credential_name refer to.") var name: String
        @Option(help: "credential_info.custom_llm_provider (bedrock, gemini, openai, …).") var provider: String?
        @Option(name: .customLong("api-key-env"), help: "Read credential_values.api_key from this environment variable.")
        var apiKeyEnvironment: String?
        @Flag(name: .customLong("api-key-stdin"), help: "Read credential_values.api_key from standard input.")
        var apiKeyStdin = false
        @Option(name: .customLong("value"), help: "Another credential value as NAME=VALUE (repeat).")
        var values: [String] = []

        func run() throws {
            var credentialValues: [String: String] = [:]
            for pair in values {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw ValidationError("--value must look like NAME=VALUE")
                }
                credentialValues[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            if let variable = apiKeyEnvironment {
                guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
                    throw ValidationError("environment variable \(variable) is not set")
                }
                credentialValues["api_key"] = value
            }
            if apiKeyStdin {
                let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                let value = input.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !value.isEmpty else { throw ValidationError("nothing was read from standard input") }
                credentialValues["api_key"] = value
            }
            guard !credentialValues.isEmpty else {
                throw ValidationError("give the credential's value with --api-key-env, --api-key-stdin or --value")
            }
            var info: [String: JSONValue] = [:]
            if let provider { info["custom_llm_provider"] = .string(provider) }
            let request = CredentialNewRequest(name: name, values: credentialValues, info: info)
            let summary = try store.run { try $0.addCredential(request) }
            print("stored \(summary.name) (\(summary.provider ?? "no provider"); values: \((summary.valueNames ?? []).joined(separator: ", ")))")
        }
    }

    struct List: ListCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored credentials (names and providers, never values).",
            discussion: "Examples:\n  modelgate credential list\n  modelgate credential list --json")
        static let header = ["NAME", "PROVIDER", "VALUES"]

        @OptionGroup var listing: OutputOptions

        func fetch(_ operations: AdminOperations) throws -> [CredentialSummary] { try operations.listCredentials() }

        static func row(_ credential: CredentialSummary) -> [String] {
            [credential.name, credential.provider ?? "-",
             credential.valueNames.map { $0.joined(separator: ",") } ?? "(cannot decrypt: check MODELGATE_SECRET_KEY)"]
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a stored credential.",
            discussion: """
                Keys and teams still naming it are then denied credential_unavailable.

                Example:
                  modelgate credential delete bedrock-team-1
                """)

        @OptionGroup var store: AdminStoreOptions
        @Argument(help: "The credential name.") var name: String

        func run() throws {
            try store.run { try $0.deleteCredential(name) }
            print("deleted \(name)")
        }
    }
}
