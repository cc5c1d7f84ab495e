import Foundation
@testable import ModelgateCore
import ModelgateConfig
import Testing

/// Engine behaviour the vector format cannot express (body states, seed scenarios spelled out).
@Suite("Decision engine")
struct EngineTests {
    static let config = """
        model_list:
          - model_name: claude-opus-4-7
            litellm_params: { model: bedrock/global.anthropic.claude-opus-4-7, api_key: opus-secret }
          - model_name: gemini-2.5-pro
            litellm_params: { model: gemini/gemini-2.5-pro }
          - model_name: claude-sonnet-4.6
            litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-6 }
          - model_name: gpt-4o-mini
            litellm_params: { model: openai/gpt-4o-mini }
        credential_list:
          - { credential_name: gemini-cred, credential_values: { api_key: gemini-secret }, credential_info: { custom_llm_provider: gemini } }
          - { credential_name: bedrock-cred, credential_values: { api_key: bedrock-secret }, credential_info: { custom_llm_provider: bedrock } }
        teams:
          - team_id: t1
            metadata:
              model_config:
                defaultconfig:
                  gemini: { litellm_credentials: gemini-cred }
                  bedrock: { litellm_credentials: bedrock-cred }
        keys:
          - { key: sk-restricted, key_alias: restricted, models: [gpt-4o-mini] }
          - { key: sk-entitled, key_alias: entitled, models: [claude-opus-4-7] }
          - { key: sk-team, key_alias: team, team_id: t1 }
        modelgate_settings: { max_body_bytes: 64 }
        """

    let snapshot: PolicySnapshot

    init() throws {
        snapshot = PolicySnapshot(parts: try GatewayConfig.parse(yaml: Self.config, environment: [:]).parts)
    }

    private func decide(_ target: String, method: String = "POST", key: String, body: RequestBody = .empty, contentType: String = "application/json") -> Decision {
        let headers = HeaderFields([("authorization", "Bearer \(key)"), ("content-type", contentType)])
        return DecisionEngine.decide(CheckRequest(method: method, rawTarget: target, headers: headers, body: body), in: snapshot, now: Date())
    }

    private func json(_ text: String) -> RequestBody { .complete(Array(text.utf8)) }

    @Test("seed: the four Bedrock passthrough actions and the inference-profile route")
    func bedrockPassthroughSeed() {
        for action in ["invoke", "invoke-with-response-stream", "converse", "converse-stream"] {
            let target = "/bedrock/model/global.anthropic.claude-opus-4-7/\(action)"
            let denied = decide(target, key: "sk-restricted")
            #expect(!denied.allow && denied.reason == .keyModelAccessDenied, "\(action)")
            let allowed = decide(target, key: "sk-entitled")
            #expect(allowed.allow && allowed.modelGroup == "claude-opus-4-7", "\(action)")
            #expect(allowed.credential?.headerValue.reveal == "Bearer opus-secret")
            #expect(allowed.removeHeaders == [], "the key arrived in authorization, which is being replaced")
        }
    }

    @Test("seed: defaultconfig listing gemini first still gives a bedrock group the bedrock credential")
    func defaultConfigSeed() {
        let decision = decide("/v1/chat/completions", key: "sk-team", body: json(#"{"model":"claude-sonnet-4.6"}"#))
        #expect(decision.allow)
        #expect(decision.provider == "bedrock")
        #expect(decision.credential?.headerName == "authorization")
        #expect(decision.credential?.headerValue.reveal == "Bearer bedrock-secret")
        let gemini = decide("/v1/chat/completions", key: "sk-team", body: json(#"{"model":"gemini-2.5-pro"}"#))
        #expect(gemini.credential?.headerName == "x-goog-api-key")
        #expect(gemini.credential?.headerValue.reveal == "gemini-secret")
    }

    @Test func bodyStatesOnlyMatterWhereTheModelLivesInTheBody() {
        #expect(decide("/v1/chat/completions", key: "sk-restricted", body: .incomplete).reason == .bodyIncomplete)
        #expect(decide("/v1/chat/completions", key: "sk-restricted", body: .tooLarge).reason == .bodyTooLarge)
        let big = json(#"{"model":"gpt-4o-mini","padding":"\#(String(repeating: "x", count: 100))"}"#)
        #expect(decide("/v1/chat/completions", key: "sk-restricted", body: big).reason == .bodyTooLarge)
        // A Bedrock path names its model; the body is informational.
        #expect(decide("/model/global.anthropic.claude-opus-4-7/invoke", key: "sk-entitled", body: .incomplete).allow)
        #expect(decide("/model/global.anthropic.claude-opus-4-7/invoke", key: "sk-entitled", body: json("{not json")).allow)
    }

    @Test func reasonPrecedence() {
        // Path problems come before body problems, body problems before catalog and access.
        #expect(decide("/v1//chat/completions", key: "sk-restricted", body: .incomplete).reason == .ambiguousPath)
        #expect(decide("/v1/chat/completions", key: "sk-restricted", body: json("{")).reason == .malformedBody)
        #expect(decide("/v1/chat/completions", key: "sk-restricted", body: json(#"{"model":"nope"}"#)).reason == .modelNotFound)
        // An unknown route is closed whatever its body says.
        #expect(decide("/v1/unknown", key: "sk-restricted", body: json("{")).reason == .modelNotFound)
    }

    @Test func denialsCarryTheCallerForTheAuditTrail() {
        let decision = decide("/v1/chat/completions", key: "sk-restricted", body: json(#"{"model":"claude-opus-4-7"}"#))
        #expect(decision.keyAlias == "restricted")
        #expect(decision.param == "model")
        #expect(decision.models.map(\.id) == ["claude-opus-4-7"])
        #expect(!decision.message.contains("sk-restricted"))
    }

    @Test func queryKeyIsRemovedAndClientCredentialHeadersAreListed() {
        let headers = HeaderFields([("x-api-key", "sk-entitled"), ("api-key", "sk-entitled")])
        let request = CheckRequest(method: "POST", rawTarget: "/model/global.anthropic.claude-opus-4-7/converse?key=sk-entitled", headers: headers, body: .empty)
        let decision = DecisionEngine.decide(request, in: snapshot, now: Date())
        #expect(decision.allow)
        #expect(decision.removeQueryParameters == ["key"])
        #expect(decision.removeHeaders == ["x-api-key", "api-key"])
    }

    @Test func renderedErrorBodyIsTheOpenAIShape() throws {
        let decision = decide("/v1/chat/completions", key: "sk-restricted", body: json(#"{"model":"claude-opus-4-7"}"#))
        let object = try JSONSerialization.jsonObject(with: Data(decision.errorBody.utf8)) as? [String: [String: Any]]
        let error = try #require(object?["error"])
        #expect(error["type"] as? String == "key_model_access_denied")
        #expect(error["code"] as? String == "403")
        #expect(error["param"] as? String == "model")
        #expect(decision.denyHeaders.first { $0.name == "x-modelgate-error" }?.value == decision.errorBody)
    }

    @Test func documentNeverShowsSecrets() throws {
        let decision = decide("/bedrock/model/global.anthropic.claude-opus-4-7/invoke", key: "sk-entitled")
        #expect(decision.document.contains("\"authorization\":\"***\""))
        #expect(!decision.document.contains("opus-secret"))
        #expect("\(decision.credential!.headerValue)" == "***")
        _ = try JSONSerialization.jsonObject(with: Data(decision.document.utf8))
    }

    @Test func expiryUsesTheGivenClock() throws {
        let parts = try GatewayConfig.parse(yaml: """
            model_list: [{ model_name: m, litellm_params: { model: openai/m } }]
            keys: [{ key: sk-x, expires: "2027-01-01T00:00:00Z" }]
            """, environment: [:]).parts
        let snapshot = PolicySnapshot(parts: parts)
        let request = CheckRequest(method: "POST", rawTarget: "/v1/embeddings", headers: HeaderFields([("x-api-key", "sk-x")]), body: .complete(Array(#"{"model":"m"}"#.utf8)))
        #expect(DecisionEngine.decide(request, in: snapshot, now: Date(timeIntervalSince1970: 1_790_000_000)).allow)
        #expect(DecisionEngine.decide(request, in: snapshot, now: Date(timeIntervalSince1970: 1_800_000_000)).reason == .keyExpired)
    }

    @Test func aTeamMembersOwnListLimitsOnlyThatUsersKeysOfTheTeam() throws {
        var parts = try GatewayConfig.parse(yaml: Self.config, environment: [:]).parts
        let index = try #require(parts.teams.firstIndex { $0.id == "t1" })
        parts.teams[index].memberModels = ["u1": ["claude-opus-4-7"]]
        parts.keys.append(VirtualKey(hash: KeyHash(hashing: "sk-member"), alias: "member", teamID: "t1", userID: "u1"))
        parts.keys.append(VirtualKey(hash: KeyHash(hashing: "sk-other"), alias: "other", teamID: "t1", userID: "u2"))
        let snapshot = PolicySnapshot(parts: parts)
        func decide(_ key: String, _ model: String) -> Decision {
            let headers = HeaderFields([("authorization", "Bearer \(key)"), ("content-type", "application/json")])
            let body = RequestBody.complete(Array("{\"model\":\"\(model)\"}".utf8))
            return DecisionEngine.decide(CheckRequest(method: "POST", rawTarget: "/v1/chat/completions", headers: headers, body: body), in: snapshot, now: Date())
        }
        #expect(decide("sk-member", "claude-opus-4-7").allow)
        let denied = decide("sk-member", "gemini-2.5-pro")
        #expect(denied.reason == .teamModelAccessDenied && denied.message.contains("member 'u1'"))
        #expect(decide("sk-other", "gemini-2.5-pro").allow)
        #expect(decide("sk-team", "gemini-2.5-pro").allow)
        // An empty list is no limit and is not kept.
        #expect(Team(id: "t", memberModels: ["u1": []]).memberModels.isEmpty)
    }
}
