import Foundation
import ModelgateCore
import Testing
@testable import ModelgateGRPC

/// `Decision` → Envoy `CheckResponse`, without sockets.
@Suite struct CheckResponseRenderingTests {
    private let identityNames = [
        "x-modelgate-model-group", "x-modelgate-model-id", "x-modelgate-provider",
        "x-modelgate-key-alias", "x-modelgate-team-id", "x-modelgate-user-id",
    ]

    private func allow(
        credential: InjectedCredential? = InjectedCredential(headerName: "authorization", headerValue: Secret("Bearer provider-secret")),
        removeHeaders: [String] = [], removeQueryParameters: [String] = []
    ) -> Decision {
        Decision(
            allow: true, status: 200, message: "allowed", modelGroup: "gpt-4o", modelID: "gpt-4o",
            provider: "openai", keyAlias: "ci", teamID: nil, userID: "u-1", credential: credential,
            removeHeaders: removeHeaders, removeQueryParameters: removeQueryParameters)
    }

    @Test func allowSetsIdentityAndCredentialHeadersThatOverwrite() throws {
        let response = CheckResponseRendering.checkResponse(for: allow())
        #expect(response.status.code == 0)
        let ok = try #require(response.okResponseIfPresent)
        #expect(response.deniedResponseIfPresent == nil)

        #expect(ok.headers.map(\.header.key) == identityNames + ["authorization"])
        #expect(ok.headers.allSatisfy { $0.overwrites })
        #expect(response.header("authorization") == "Bearer provider-secret")
        #expect(response.header("x-modelgate-model-group") == "gpt-4o")
        #expect(response.header("x-modelgate-key-alias") == "ci")
        // Unknown identity values are present and empty, so a client's copy is replaced.
        #expect(response.header("x-modelgate-team-id") == "")
        #expect(ok.queryParametersToSet.isEmpty)
        #expect(ok.queryParametersToRemove.isEmpty)
    }

    @Test func allowWithoutCredentialSetsOnlyIdentityHeaders() throws {
        let response = CheckResponseRendering.checkResponse(for: allow(credential: nil, removeHeaders: ["authorization"]))
        let ok = try #require(response.okResponseIfPresent)
        #expect(ok.headers.map(\.header.key) == identityNames)
        // Nothing replaces the client's key, so it must go.
        #expect(ok.headersToRemove == ["authorization"])
    }

    @Test func headersToRemoveNeverListsAHeaderBeingSet() throws {
        let decision = allow(removeHeaders: ["Authorization", "x-api-key", "x-goog-api-key", "x-api-key", "x-modelgate-provider"])
        let ok = try #require(CheckResponseRendering.checkResponse(for: decision).okResponseIfPresent)
        #expect(ok.headersToRemove == ["x-api-key", "x-goog-api-key"])
        let set = Set(ok.headers.map(\.header.key))
        #expect(ok.headersToRemove.allSatisfy { !set.contains($0.lowercased()) })
    }

    @Test func clientQueryKeyIsRemoved() throws {
        let ok = try #require(CheckResponseRendering.checkResponse(for: allow(removeQueryParameters: ["key"])).okResponseIfPresent)
        #expect(ok.queryParametersToRemove == ["key"])
        #expect(ok.queryParametersToSet.isEmpty)
        let upstream = EnvoySimulation.upstreamQuery(client: [("key", "sk-client"), ("alt", "sse")], applying: ok)
        #expect(upstream == ["alt": "sse"])
    }

    /// Issue 16.8: the provider key travels only in `x-goog-api-key`, never in the URL (Envoy's
    /// and the upstream's access logs keep URLs); the client's `?key=` is still removed.
    @Test func geminiProviderKeyTravelsOnlyInItsHeader() throws {
        let credential = ProviderCredentialHeader.inject(Secret("gemini-secret"), for: .gemini)
        let decision = allow(credential: credential, removeHeaders: ["authorization"], removeQueryParameters: ["key"])
        let ok = try #require(CheckResponseRendering.checkResponse(for: decision).okResponseIfPresent)
        #expect(ok.queryParametersToSet.isEmpty)
        #expect(ok.queryParametersToRemove == ["key"])
        let upstream = EnvoySimulation.upstreamQuery(client: [("key", "sk-client"), ("alt", "sse")], applying: ok)
        #expect(upstream == ["alt": "sse"])
        let headers = EnvoySimulation.upstreamHeaders(client: [], applying: ok)
        #expect(headers["x-goog-api-key"] == ["gemini-secret"])
    }

    @Test func upstreamSeesOnlyTheProviderCredential() throws {
        let decision = allow(removeHeaders: ["x-api-key", "authorization"])
        let ok = try #require(CheckResponseRendering.checkResponse(for: decision).okResponseIfPresent)
        let upstream = EnvoySimulation.upstreamHeaders(
            client: [
                ("Authorization", "Bearer sk-client"), ("x-api-key", "sk-client"),
                ("x-modelgate-model-group", "spoofed"), ("content-type", "application/json"),
            ],
            applying: ok)
        #expect(upstream["authorization"] == ["Bearer provider-secret"])
        #expect(upstream["x-api-key"] == nil)
        #expect(upstream["x-modelgate-model-group"] == ["gpt-4o"])
        #expect(upstream["content-type"] == ["application/json"])
    }

    @Test(arguments: [
        (DenyReason.missingKey, Int32(16)), (.invalidKey, 16), (.keyExpired, 16), (.keyBlocked, 16),
        (.ambiguousCredentials, 16), (.modelNotFound, 7), (.keyModelAccessDenied, 7),
        (.bodyIncomplete, 7), (.ambiguousPath, 7), (.tagAccessDenied, 7), (.credentialUnavailable, 7),
    ])
    func denialCarriesStatusReasonAndBody(reason: DenyReason, rpcCode: Int32) throws {
        let decision = Decision.deny(reason, "denied because \(reason.rawValue)", param: "model")
        let response = CheckResponseRendering.checkResponse(for: decision)
        #expect(response.status.code == rpcCode)
        #expect(response.status.message == decision.message)
        #expect(response.okResponseIfPresent == nil)
        let denied = try #require(response.deniedResponseIfPresent)
        #expect(denied.status.code.rawValue == reason.httpStatus)
        #expect(denied.body == decision.errorBody)
        #expect(denied.headers.allSatisfy { $0.overwrites })
        #expect(response.header("x-modelgate-reason") == reason.rawValue)
        #expect(response.header("content-type") == "application/json")
        #expect(response.header("x-modelgate-error") == decision.errorBody)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(denied.body.utf8)) as? [String: Any])
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["type"] as? String == reason.rawValue)
        #expect(error["code"] as? String == String(reason.httpStatus))
    }

    @Test func denialNeverCarriesASuccessStatus() throws {
        let decision = Decision(allow: false, status: 200, reason: nil, message: "odd")
        let denied = try #require(CheckResponseRendering.checkResponse(for: decision).deniedResponseIfPresent)
        #expect(denied.status.code == .forbidden)
    }
}
