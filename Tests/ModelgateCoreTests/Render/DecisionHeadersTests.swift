import Foundation
@testable import ModelgateCore
import Testing

/// The headers a front puts on the wire for a decision (CONTRACT §4).
@Suite("Decision headers")
struct DecisionHeadersTests {
    static let allowed = Decision(
        allow: true, status: 200, message: "allowed", modelGroup: "claude", modelID: "us.anthropic.claude-sonnet-4-6",
        provider: "bedrock", keyAlias: "ci", teamID: nil, userID: "u-1", routeShape: "bedrock",
        credential: InjectedCredential(headerName: "authorization", headerValue: Secret("Bearer provider-secret")),
        removeHeaders: ["x-api-key"])

    static let names = [
        "x-modelgate-model-group", "x-modelgate-model-id", "x-modelgate-provider",
        "x-modelgate-key-alias", "x-modelgate-team-id", "x-modelgate-user-id",
    ]

    @Test func identityHeadersAreAlwaysAllSixEmptyWhenUnknown() {
        #expect(Self.allowed.identityHeaders.map(\.name) == Self.names)
        #expect(Self.allowed.identityHeaders.map(\.value) == ["claude", "us.anthropic.claude-sonnet-4-6", "bedrock", "ci", "", "u-1"])
        let denied = Decision.deny(.invalidKey, "unknown key")
        #expect(denied.identityHeaders.map(\.name) == Self.names)
        #expect(denied.identityHeaders.allSatisfy { $0.value.isEmpty })
    }

    @Test func upstreamHeadersRevealTheCredentialOnlyWhenAsked() {
        let shown = Self.allowed.upstreamHeaders(revealingSecrets: true)
        let hidden = Self.allowed.upstreamHeaders(revealingSecrets: false)
        #expect(shown.map(\.name) == Self.names + ["authorization"])
        #expect(shown.last?.value == "Bearer provider-secret")
        #expect(hidden.last?.value == "***")
        #expect(!hidden.contains { $0.value.contains("provider-secret") })
        var none = Self.allowed
        none.credential = nil
        #expect(none.upstreamHeaders(revealingSecrets: true).map(\.name) == Self.names)
    }

    @Test func aDenialCarriesItsReasonAndTheErrorDocumentTwice() throws {
        let denied = Decision.deny(.keyModelAccessDenied, "key 'ci' may not call 'gpt-4o'", param: "model")
        let headers = Dictionary(uniqueKeysWithValues: denied.denyHeaders.map { ($0.name, $0.value) })
        #expect(headers["x-modelgate-reason"] == "key_model_access_denied")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["x-modelgate-error"] == denied.errorBody)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(denied.errorBody.utf8)) as? [String: Any])
        let error = try #require(document["error"] as? [String: Any])
        #expect(error["message"] as? String == "key 'ci' may not call 'gpt-4o'")
        #expect(error["type"] as? String == "key_model_access_denied")
        #expect(error["param"] as? String == "model")
        #expect(error["code"] as? String == "403")
    }

    @Test func theErrorDocumentIsASafeHeaderValue() throws {
        let denied = Decision.deny(.modelNotFound, "no group serves 'é\r\nx-injected: 1'")
        #expect(denied.errorBody.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(denied.errorBody.utf8)) as? [String: Any])
        #expect((document["error"] as? [String: Any])?["param"] is NSNull)
        #expect((document["error"] as? [String: Any])?["code"] as? String == "403")
    }
}
