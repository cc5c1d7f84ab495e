import Foundation
import Logging
import ModelgateConfig
import ModelgateCore
import ModelgateLiteLLM
import ModelgateLiteLLMDatabase
import ModelgatePostgres
import PostgresNIO
import Testing

/// A real PostgreSQL with LiteLLM's own migrations and rows written by LiteLLM's helpers
/// (Tests/litellm/scenario.py), read by modelgate as a SELECT-only role, mapped and decided.
/// Needs Tests/litellm/.venv (Tests/litellm/setup-venv); `MODELGATE_LITELLM_TESTS=1` makes its
/// absence a failure instead of a skip.
@Suite(.enabled(if: LiteLLMScenario.python != nil || LiteLLMScenario.required, "needs Tests/litellm/.venv (Tests/litellm/setup-venv)"))
struct LiteLLMDatabaseReaderTests {
    static let config = """
        model_list:
          - model_name: gpt-4o-mini
            litellm_params: { model: openai/gpt-4o-mini, api_key: sk-openai-config }
          - model_name: gpt-4o
            litellm_params: { model: openai/gpt-4o }
            model_info: { access_groups: [frontier] }
          - model_name: claude-opus-4-7
            litellm_params: { model: bedrock/global.anthropic.claude-opus-4-7 }
            model_info: { access_groups: [frontier] }
        """

    static let now = Date()

    static func decide(_ key: String, _ method: String, _ target: String, model: String? = nil, in snapshot: PolicySnapshot) -> Decision {
        var headers = [("authorization", "Bearer \(key)")]
        var body: [UInt8] = []
        if let model {
            headers.append(("content-type", "application/json"))
            body = Array("{\"model\":\"\(model)\",\"messages\":[]}".utf8)
        }
        return DecisionEngine.decide(
            CheckRequest(method: method, rawTarget: target, headers: HeaderFields(headers), body: .complete(body)), in: snapshot, now: now)
    }

    @Test func litellmsRowsEnforcedAsLiteLLMMeansThem() async throws {
        let scenario = try LiteLLMScenario.start()
        defer { scenario.stop() }
        let logger = Logger(label: "test")
        let url = try DatabaseURL(parsing: scenario.url)
        let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration(), id: 1, logger: logger)
        let contents: LiteLLMContents
        do {
            contents = try await LiteLLMDatabaseReader.readAll(on: connection, logger: logger)
            // The role really is read-only.
            await #expect(throws: (any Error).self) {
                try await connection.query(#"DELETE FROM "LiteLLM_VerificationToken""#, logger: logger)
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()

        let cipher = LiteLLMCipher(saltKey: LiteLLMSaltKey(scenario.saltKey, origin: .saltKey))
        let (database, problems) = LiteLLMPolicyMapper(cipher: cipher, environment: [:]).parts(contents)
        #expect(problems.isEmpty, "\(problems)")
        let config = try GatewayConfig.parse(yaml: Self.config, environment: [:])
        let snapshot = PolicySnapshot(parts: LiteLLMPolicyMapper.merge(config: config.parts, database: database))
        let keys = scenario.keys
        func key(_ name: String) -> String { keys[name]! }
        let opus = "/bedrock/model/global.anthropic.claude-opus-4-7/converse"

        // The seed scenario: a key limited to gpt-4o-mini may not reach Opus through Bedrock.
        let mini = Self.decide(key("mini"), "POST", opus, in: snapshot)
        #expect(!mini.allow && mini.reason == .keyModelAccessDenied)
        let entitled = Self.decide(key("entitled"), "POST", opus, in: snapshot)
        #expect(entitled.allow && entitled.modelGroup == "claude-opus-4-7")
        #expect(Self.decide(key("mini"), "POST", "/v1/chat/completions", model: "gpt-4o-mini", in: snapshot).allow)

        // Empty key models: the team's; all-team-models: the team's; a user's list on a key without a team.
        #expect(Self.decide(key("team-mini"), "POST", "/v1/chat/completions", model: "gpt-4o-mini", in: snapshot).allow)
        #expect(Self.decide(key("team-mini"), "POST", "/v1/chat/completions", model: "gpt-4o", in: snapshot).reason == .teamModelAccessDenied)
        #expect(Self.decide(key("all-team"), "POST", "/v1/chat/completions", model: "gpt-4o", in: snapshot).allow)
        #expect(Self.decide(key("all-team"), "POST", opus, in: snapshot).allow)
        #expect(Self.decide(key("all-team"), "POST", "/v1/chat/completions", model: "gpt-4o-mini", in: snapshot).reason == .teamModelAccessDenied)
        #expect(Self.decide(key("user-mini"), "POST", "/v1/chat/completions", model: "gpt-4o", in: snapshot).reason == .userModelAccessDenied)
        #expect(Self.decide(key("user-mini"), "POST", "/v1/chat/completions", model: "gpt-4o-mini", in: snapshot).allow)

        // Key states.
        #expect(Self.decide(key("blocked"), "POST", opus, in: snapshot).reason == .keyBlocked)
        #expect(Self.decide(key("expired"), "POST", opus, in: snapshot).reason == .keyExpired)
        #expect(Self.decide(key("in-blocked-team"), "POST", opus, in: snapshot).reason == .keyBlocked)
        #expect(Self.decide(key("deleted"), "POST", opus, in: snapshot).reason == .invalidKey)

        // Rotation: the old key keeps the new one's rights until revoke_at; without a grace period it is gone.
        #expect(Self.decide(key("rotated-new"), "POST", "/v1/chat/completions", model: "gpt-4o-mini", in: snapshot).allow)
        let rotatedOld = Self.decide(key("rotated-old"), "POST", "/v1/chat/completions", model: "gpt-4o-mini", in: snapshot)
        #expect(rotatedOld.allow && rotatedOld.keyAlias == "rotated")
        #expect(Self.decide(key("rotated-old"), "POST", opus, in: snapshot).reason == .keyModelAccessDenied)
        #expect(Self.decide(key("rotated-no-grace-old"), "POST", opus, in: snapshot).reason == .invalidKey)
        #expect(Self.decide(key("rotated-no-grace-new"), "POST", "/v1/chat/completions", model: "gpt-4o-mini", in: snapshot).allow)

        // DB models (NaCl and v2:gcm: values) and a DB credential, decrypted.
        let dbOpus = Self.decide(key("db-model"), "POST", opus, in: snapshot)
        #expect(dbOpus.allow && dbOpus.modelGroup == "db-opus")
        #expect(dbOpus.credential?.headerValue.reveal == "Bearer sk-bedrock-db-secret")
        let sonnet = Self.decide(key("any"), "POST", "/bedrock/model/us.anthropic.claude-sonnet-4-6/converse", in: snapshot)
        #expect(sonnet.allow && sonnet.credential?.headerValue.reveal == "Bearer sk-bedrock-db-secret-2")
        #expect(snapshot.credentials["db-cred"]?.apiKey?.reveal == "sk-db-credential")
        #expect(snapshot.credentials["db-cred"]?.provider == .bedrock)

        // Under another salt key every DB value is unavailable, and no problem line quotes one.
        let (wrong, wrongProblems) = LiteLLMPolicyMapper(
            cipher: LiteLLMCipher(saltKey: LiteLLMSaltKey("sk-not-the-salt", origin: .saltKey)), environment: [:]).parts(contents)
        #expect(wrongProblems.count == 3)
        for problem in wrongProblems {
            #expect(!"\(problem)".contains("sk-bedrock-db-secret") && !"\(problem)".contains(scenario.saltKey))
        }
        let wrongSnapshot = PolicySnapshot(parts: LiteLLMPolicyMapper.merge(config: config.parts, database: wrong))
        // Asked by group name, the unavailable deployment answers credential_unavailable; on the
        // Bedrock path its provider is unknown (its model did not decrypt), so it serves nothing.
        #expect(Self.decide(key("db-model"), "POST", "/v1/chat/completions", model: "db-opus", in: wrongSnapshot).reason == .credentialUnavailable)
        #expect(Self.decide(key("db-model"), "POST", opus, in: wrongSnapshot).reason == .keyModelAccessDenied)
    }
}

/// Tests/litellm/scenario.py running: PostgreSQL with LiteLLM's schema and rows.
final class LiteLLMScenario: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("litellm")
    static var python: String? {
        let path = root.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
    static var required: Bool { ProcessInfo.processInfo.environment["MODELGATE_LITELLM_TESTS"] == "1" }

    struct Started: Decodable {
        var url: String
        var salt_key: String
        var keys: [String: String]
    }

    let process: Process
    let input: Pipe
    var output: Pipe?
    let url: String
    let saltKey: String
    let keys: [String: String]

    private init(process: Process, input: Pipe, started: Started) {
        self.process = process
        self.input = input
        url = started.url
        saltKey = started.salt_key
        keys = started.keys
    }

    static func start() throws -> LiteLLMScenario {
        guard let python else { throw ScenarioError("Tests/litellm/.venv is missing: run Tests/litellm/setup-venv") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent("scenario.py").path]
        process.currentDirectoryURL = root
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { throw ScenarioError("scenario.py exited before it was ready") }
            if byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let scenario = LiteLLMScenario(process: process, input: input, started: try JSONDecoder().decode(Started.self, from: line))
        scenario.output = output
        return scenario
    }

    /// Runs one writer command in scenario.py (committed when this returns).
    @discardableResult
    func send(_ command: [String: Any]) throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: command) + Data("\n".utf8)
        try input.fileHandleForWriting.write(contentsOf: data)
        var line = Data()
        while true {
            let byte = output!.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { throw ScenarioError("scenario.py exited") }
            if byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let answer = try JSONSerialization.jsonObject(with: line) as? [String: Any] ?? [:]
        if let error = answer["error"] { throw ScenarioError("scenario.py: \(error)") }
        return answer
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

struct ScenarioError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
