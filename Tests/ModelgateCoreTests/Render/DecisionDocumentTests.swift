import Foundation
@testable import ModelgateCore
import Testing

/// The decision JSON of `POST /v1/decision` and `modelgate check` (CONTRACT §4).
@Suite("Decision document")
struct DecisionDocumentTests {
    static func parsed(_ decision: Decision) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(decision.document.utf8)) as? [String: Any])
    }

    @Test func anAllowListsEverythingWithCredentialValuesHidden() throws {
        let decision = Decision(
            allow: true, status: 200, message: "allowed", models: [
                NamedModel(id: "claude", source: .body, modelGroup: "claude"),
                NamedModel(id: "fallback-x", source: .fallback, modelGroup: nil),
            ],
            modelGroup: "claude", modelID: "m-1", provider: "bedrock", keyAlias: "ci", teamID: "t-1", userID: nil,
            routeShape: "openai", credential: InjectedCredential(headerName: "authorization", headerValue: Secret("Bearer provider-secret")),
            removeHeaders: ["x-api-key", "api-key"], removeQueryParameters: ["key"])
        #expect(!decision.document.contains("provider-secret"))
        let document = try Self.parsed(decision)
        #expect(document["allow"] as? Bool == true)
        #expect(document["status"] as? Int == 200)
        #expect(document["reason"] is NSNull)
        #expect(document["model_group"] as? String == "claude")
        #expect(document["model_id"] as? String == "m-1")
        #expect(document["provider"] as? String == "bedrock")
        #expect(document["key_alias"] as? String == "ci")
        #expect(document["team_id"] as? String == "t-1")
        #expect(document["user_id"] is NSNull)
        #expect(document["route"] as? String == "openai")
        let models = try #require(document["models"] as? [[String: Any]])
        #expect(models.count == 2)
        #expect(models[0]["id"] as? String == "claude" && models[0]["source"] as? String == "body")
        #expect(models[1]["source"] as? String == "fallback" && models[1]["model_group"] is NSNull)
        let upstream = try #require(document["upstream_headers"] as? [String: String])
        #expect(upstream["authorization"] == "***")
        #expect(upstream["x-modelgate-team-id"] == "t-1")
        #expect(upstream["x-modelgate-user-id"] == "")
        #expect(document["remove_headers"] as? [String] == ["x-api-key", "api-key"])
        #expect(document["remove_query_parameters"] as? [String] == ["key"])
    }

    @Test func aDenialHasItsReasonAndNoUpstreamHeaders() throws {
        let document = try Self.parsed(Decision.deny(.keyExpired, "the API key has expired"))
        #expect(document["allow"] as? Bool == false)
        #expect(document["status"] as? Int == 401)
        #expect(document["reason"] as? String == "key_expired")
        #expect(document["message"] as? String == "the API key has expired")
        #expect((document["upstream_headers"] as? [String: Any])?.isEmpty == true)
        #expect((document["models"] as? [Any])?.isEmpty == true)
    }
}
