import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
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

    @Option(name: .long, help: "SQLite database (must exist) or postgres:// URL with keys, teams and credentials; default MODELGATE_DATABASE_URL.")
    var database: String?

    @Option(name: .long, help: "The original request's method.")
    var method: String

    @Option(name: .long, help: "The original request target: raw, percent-encoded, with its query.")
    var path: String

    @Option(name: [.customShort("H"), .customLong("header")], help: "A request header, 'Name: value' (repeatable).")
    var headers: [String] = []

    @Option(name: .long, help: "File holding the request body; - reads standard input (pipes and <(...) work).")
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
            if let database = database ?? environment[DatabaseArgument.environmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
                guard DatabaseArgument.isURL(database) || FileManager.default.fileExists(atPath: database) else {
                    throw ValidationError("no database at \(database)")
                }
                snapshot = try PolicyService(configPath: config, database: database, environment: environment, logger: logger).holder.snapshot
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
        var bytes = ReceivedBody.Bytes.received([])
        if let body {
            do {
                bytes = try Self.read(body: body, limit: snapshot.settings.maxBodyBytes)
            } catch {
                Console.error("modelgate check: cannot read --body \(body == "-" ? "- (standard input)" : body): \(error)")
                throw ExitCode(2)
            }
        }
        let requestBody = ReceivedBody.withOriginalHeaders(bytes, headers: fields).requestBody(maxBodyBytes: snapshot.settings.maxBodyBytes)
        let request = CheckRequest(method: method, rawTarget: path, headers: fields, body: requestBody)
        let decision = DecisionEngine.decide(request, in: snapshot, now: Date())
        print(decision.document)
        if !decision.allow { throw ExitCode(1) }
    }

    struct ReadFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Every byte of `body` (`-`: standard input) up to end of file, read with read(2): a pipe,
    /// a FIFO or a `<(…)` process substitution has no size to ask for first. Past `limit` bytes
    /// reading stops: the body is over the limit whatever follows.
    static func read(body: String, limit: Int) throws(ReadFailure) -> ReceivedBody.Bytes {
        let descriptor: Int32
        if body == "-" {
            descriptor = STDIN_FILENO
        } else {
            descriptor = open(body, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw ReadFailure(description: String(cString: strerror(errno))) }
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return .received(bytes) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadFailure(description: String(cString: strerror(errno)))
            }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit { return .overLimit }
        }
    }

    /// `Name: value` → (name, value); nil when there is no name. The value is trimmed of spaces
    /// and tabs where every front trims it, in `HeaderFields`.
    static func split(header: String) -> (String, String)? {
        guard let colon = header.firstIndex(of: ":") else { return nil }
        let name = header[..<colon].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !name.contains(" ") else { return nil }
        return (name, String(header[header.index(after: colon)...]))
    }
}
