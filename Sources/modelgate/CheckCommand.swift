import ArgumentParser
import Foundation
import ModelgateConfig
import ModelgateCore
import ModelgateStore

/// `modelgate check`: decides one request offline, exactly as the running service would.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide one request offline and print the decision JSON.",
        discussion: """
            Prints the decision document (as POST /v1/decision returns it) and exits 0 when the request is allowed, 1 when it is denied, 2 on a usage or config error. Without --database only the config's static keys and teams are known; with it, the database must exist.

            Examples:
              modelgate check --config config.yaml \\
                  --method POST --path /v1/chat/completions \\
                  -H 'Authorization: Bearer sk-team1' \\
                  -H 'Content-Type: application/json' --body request.json
              modelgate check --config config.yaml --database modelgate.sqlite \\
                  --method POST -H 'x-api-key: sk-ci' \\
                  --path /bedrock/model/us.anthropic.claude-sonnet-4-6/converse
            """)

    @Option(name: .long, help: "LiteLLM-compatible config.yaml.")
    var config: String

    @Option(name: .long, help: "SQLite database with keys, teams and credentials (must exist).")
    var database: String?

    @Option(name: .long, help: "The original request's method.")
    var method: String

    @Option(name: .long, help: "The original request target: raw, percent-encoded, with its query.")
    var path: String

    @Option(name: [.customShort("H"), .customLong("header")], help: "A request header, 'Name: value' (repeatable).")
    var headers: [String] = []

    @Option(name: .long, help: "File holding the request body.")
    var body: String?

    func validate() throws {
        for header in headers where Self.split(header: header) == nil {
            throw ValidationError("-H '\(header)' is not 'Name: value'")
        }
        if method.isEmpty { throw ValidationError("--method must not be empty") }
        if path.isEmpty { throw ValidationError("--path must not be empty") }
    }

    func run() async throws {
        let logger = OfflineLogging.bootstrap()
        let environment = ProcessInfo.processInfo.environment
        let snapshot: PolicySnapshot
        do {
            if let database {
                guard FileManager.default.fileExists(atPath: database) else {
                    throw ValidationError("no database at \(database)")
                }
                snapshot = try PolicyService(configPath: config, databasePath: database, environment: environment, logger: logger).holder.snapshot
            } else {
                let text = try String(contentsOfFile: config, encoding: .utf8)
                snapshot = PolicySnapshot(parts: try GatewayConfig.parse(yaml: text, environment: environment).parts)
            }
        } catch {
            Console.report(error, context: "modelgate check")
            throw ExitCode(2)
        }

        var fields = HeaderFields()
        for header in headers {
            let (name, value) = Self.split(header: header)!
            fields.add(name: name, value: value)
        }
        var requestBody = RequestBody.empty
        if let body {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: body)))
            } catch {
                Console.error("modelgate check: cannot read --body \(body): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            requestBody = bytes.count > snapshot.settings.maxBodyBytes ? .tooLarge : .complete(bytes)
        }
        let request = CheckRequest(method: method, rawTarget: path, headers: fields, body: requestBody)
        let decision = DecisionEngine.decide(request, in: snapshot, now: Date())
        print(decision.document)
        if !decision.allow { throw ExitCode(1) }
    }

    /// `Name: value` → (name, value without surrounding spaces); nil when there is no name.
    static func split(header: String) -> (String, String)? {
        guard let colon = header.firstIndex(of: ":") else { return nil }
        let name = header[..<colon].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !name.contains(" ") else { return nil }
        return (name, header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
}
