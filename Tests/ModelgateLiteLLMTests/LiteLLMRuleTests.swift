import Foundation
import ModelgateConfig
import ModelgateCore
import Testing

@testable import ModelgateLiteLLM

/// Which key may call which model: LiteLLM's own auth functions decided every case
/// (Fixtures/rule-vectors.json, written by Tests/litellm/make_rule_vectors.py); modelgate maps the
/// same rows and must decide the same, except where CONTRACT §6 deliberately reads a wildcard
/// more widely (listed, and each asserted, below).
@Suite struct LiteLLMRuleTests {
    struct Vectors: Decodable {
        struct KeyRow: Decodable {
            var key: String
            var token: String
            var key_alias: String
            var models: [String]
            var team_id: String?
            var user_id: String?
            var config: String
        }
        struct TeamRow: Decodable {
            var team_id: String
            var models: [String]
            var blocked: Bool
        }
        struct UserRow: Decodable {
            var user_id: String
            var models: [String]
        }
        struct Rows: Decodable {
            var keys: [KeyRow]
            var teams: [TeamRow]
            var users: [UserRow]
            /// As read from `LiteLLM_TeamMembership` and its budget.
            var team_members: [LiteLLMTeamMemberRow]
        }
        struct Case: Decodable {
            var key: String
            var model: String
            var litellm_allows: Bool
            var litellm_error: String?
        }
        var model_list: JSONAny
        var rows: Rows
        var cases: [Case]
    }

    /// Any JSON, kept as its text for the config reader.
    struct JSONAny: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer().decode(JSONValue.self)
            text = String(data: try JSONEncoder().encode(value), encoding: .utf8)!
        }
    }

    /// A JSON value, only to carry `model_list` through.
    indirect enum JSONValue: Codable {
        case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let n = try? c.decode(Double.self) { self = .number(n) } else if let s = try? c.decode(String.self) { self = .string(s) } else if let a = try? c.decode([JSONValue].self) { self = .array(a) } else { self = .object(try c.decode([String: JSONValue].self)) }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .null: try c.encodeNil()
            case .bool(let b): try c.encode(b)
            case .number(let n): try c.encode(n)
            case .string(let s): try c.encode(s)
            case .array(let a): try c.encode(a)
            case .object(let o): try c.encode(o)
            }
        }
    }

    static let vectors: Vectors = {
        let url = Bundle.module.url(forResource: "rule-vectors", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }()

    /// Cases where modelgate deliberately differs: CONTRACT §6 matches a wildcard against a
    /// group's deployments (`provider/id`), LiteLLM against the name the client sent, read by its
    /// `get_llm_provider` (`db-gpt` is no model it knows; `claude-opus-4-7` reads as anthropic).
    /// modelgate allows each of these; LiteLLM denies them.
    static let wildcardReadWider: Set<String> = [
        "wild-openai db-gpt", "empty-team-wild db-gpt", "wild-bedrock claude-opus-4-7",
        // The same reading in a team member's own list.
        "empty-team-proxy-member-openai db-gpt",
    ]

    static func snapshot() throws -> PolicySnapshot {
        let config = try GatewayConfig.parse(yaml: "{\"model_list\": \(vectors.model_list.text)}", environment: [:])
        let rows = vectors.rows
        let contents = LiteLLMContents(
            keys: rows.keys.map {
                LiteLLMKeyRow(token: $0.token, keyAlias: $0.key_alias, models: $0.models, teamID: $0.team_id, userID: $0.user_id, config: $0.config)
            },
            teams: rows.teams.map { LiteLLMTeamRow(teamID: $0.team_id, models: $0.models, blocked: $0.blocked) },
            users: rows.users.map { LiteLLMUserRow(userID: $0.user_id, models: $0.models) },
            teamMembers: rows.team_members)
        let mapper = LiteLLMPolicyMapper(cipher: nil, environment: [:])
        let (database, problems) = mapper.parts(contents)
        #expect(problems.isEmpty)
        return PolicySnapshot(parts: LiteLLMPolicyMapper.merge(config: config.parts, database: database))
    }

    static func decide(key: String, model: String, in snapshot: PolicySnapshot) -> Decision {
        let request = CheckRequest(
            method: "POST", rawTarget: "/v1/chat/completions",
            headers: HeaderFields([("authorization", "Bearer sk-\(key)"), ("content-type", "application/json")]),
            body: .complete(Array("{\"model\":\"\(model)\",\"messages\":[]}".utf8)))
        return DecisionEngine.decide(request, in: snapshot, now: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test func modelgateDecidesAsLiteLLM() throws {
        let snapshot = try Self.snapshot()
        #expect(Self.vectors.cases.count >= 100)
        var compared = 0
        for testCase in Self.vectors.cases {
            let decision = Self.decide(key: testCase.key, model: testCase.model, in: snapshot)
            let name = "\(testCase.key) \(testCase.model)"
            if Self.wildcardReadWider.contains(name) {
                #expect(!testCase.litellm_allows && decision.allow, "\(name): expected the documented difference")
                continue
            }
            #expect(decision.allow == testCase.litellm_allows, "\(name): LiteLLM \(testCase.litellm_allows) (\(testCase.litellm_error ?? "-")), modelgate \(decision.reason.map { "\($0)" } ?? "allow")")
            compared += 1
        }
        #expect(compared == Self.vectors.cases.count - Self.wildcardReadWider.count)
    }

    /// Where both deny, the failing level is LiteLLM's (key, team, user), except LiteLLM's
    /// `no-default-models`, which it reports as a key denial while modelgate names the user list
    /// that holds it.
    @Test func denialsNameLiteLLMsLevel() throws {
        let snapshot = try Self.snapshot()
        let levels: [String: DenyReason] = [
            "ProxyErrorTypes.key_model_access_denied": .keyModelAccessDenied,
            "ProxyErrorTypes.team_model_access_denied": .teamModelAccessDenied,
            "ProxyErrorTypes.user_model_access_denied": .userModelAccessDenied,
            "team_blocked": .keyBlocked,
        ]
        var checked = 0
        for testCase in Self.vectors.cases where !testCase.litellm_allows && !testCase.key.contains("nodefault") {
            guard let expected = testCase.litellm_error.flatMap({ levels[$0] }) else { continue }
            if Self.wildcardReadWider.contains("\(testCase.key) \(testCase.model)") { continue }
            // A blocked team is a key problem (401) in modelgate and wins over the allowlists.
            if testCase.key.contains("blocked"), expected != .keyBlocked { continue }
            let decision = Self.decide(key: testCase.key, model: testCase.model, in: snapshot)
            #expect(decision.reason == expected, "\(testCase.key) \(testCase.model)")
            checked += 1
        }
        #expect(checked > 50)
    }
}
