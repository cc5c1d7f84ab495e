import Foundation
import GRPCCore
import ModelgateCore
import Testing
@testable import ModelgateGRPC

/// The real server on 127.0.0.1, driven over HTTP/2 by a client built from the generated stubs.
@Suite struct GRPCCheckTests {
    @Test func allowOverwritesEveryHeaderAndNeverRemovesOneItSets() async throws {
        let clientHeaders = [
            ("Authorization", "Bearer \(Fixtures.key)"), ("x-api-key", Fixtures.key),
            ("x-modelgate-model-group", "spoofed"), ("x-modelgate-team-id", "spoofed-team"),
            ("content-type", "application/json"),
        ]
        let response = try await withRunningFront(snapshot: Fixtures.snapshot()) { client in
            try await client.check(EnvoyRequest.make(
                method: "POST", path: "/v1/chat/completions", headers: clientHeaders, body: Fixtures.chatBody))
        }
        let ok = try #require(response.okResponseIfPresent, "expected an allow, got \(response.status)")
        #expect(response.status.code == 0)
        #expect(!ok.headers.isEmpty)
        #expect(ok.headers.allSatisfy { $0.overwrites })

        let set = Set(ok.headers.map { $0.header.key.lowercased() })
        #expect(ok.headersToRemove.allSatisfy { !set.contains($0.lowercased()) })
        for name in ["x-modelgate-model-group", "x-modelgate-model-id", "x-modelgate-provider",
                     "x-modelgate-key-alias", "x-modelgate-team-id", "x-modelgate-user-id"] {
            #expect(response.headerValues(name).count == 1, "\(name) must be set exactly once")
        }
        #expect(response.header("x-modelgate-model-group") == "gpt-4o")
        #expect(response.header("x-modelgate-provider") == "openai")
        #expect(response.header("x-modelgate-key-alias") == "grpc-ci")
        #expect(response.header("x-modelgate-team-id") == "")

        // What the upstream receives once Envoy applied the answer.
        let upstream = EnvoySimulation.upstreamHeaders(client: clientHeaders, applying: ok)
        #expect(upstream["authorization"] == ["Bearer \(Fixtures.openAISecret)"])
        #expect(upstream["x-api-key"] == nil)
        #expect(upstream["x-modelgate-model-group"] == ["gpt-4o"])
        #expect(upstream["x-modelgate-team-id"] == [""])
    }

    @Test func clientQueryKeyIsRemovedWithQueryParametersToRemove() async throws {
        let response = try await withRunningFront(snapshot: Fixtures.snapshot()) { client in
            try await client.check(EnvoyRequest.make(
                method: "POST", path: "/v1/chat/completions?key=\(Fixtures.key)",
                headers: [("content-type", "application/json")], body: Fixtures.chatBody))
        }
        let ok = try #require(response.okResponseIfPresent, "expected an allow, got \(response.status)")
        #expect(ok.queryParametersToRemove.contains("key"))
        #expect(!ok.queryParametersToSet.contains { $0.key == "key" })
        #expect(EnvoySimulation.upstreamQuery(client: [("key", Fixtures.key)], applying: ok)["key"] == nil)
        #expect(EnvoySimulation.upstreamHeaders(client: [], applying: ok)["authorization"] == ["Bearer \(Fixtures.openAISecret)"])
    }

    /// Issue 16.8: a Gemini allow sets no query parameter; the provider key goes only in
    /// `x-goog-api-key` and the client's `?key=` is removed.
    @Test func geminiAllowSetsNoQueryParameter() async throws {
        let response = try await withRunningFront(snapshot: Fixtures.snapshot()) { client in
            try await client.check(EnvoyRequest.make(
                method: "POST", path: "/v1beta/models/gemini-2.5-pro:generateContent?key=\(Fixtures.key)",
                headers: [("content-type", "application/json")], body: #"{"contents": []}"#))
        }
        let ok = try #require(response.okResponseIfPresent, "expected an allow, got \(response.status)")
        #expect(ok.queryParametersToSet.isEmpty)
        #expect(ok.queryParametersToRemove.contains("key"))
        let query = EnvoySimulation.upstreamQuery(client: [("key", Fixtures.key)], applying: ok)
        #expect(query["key"] == nil)
        #expect(EnvoySimulation.upstreamHeaders(client: [], applying: ok)["x-goog-api-key"] == [Fixtures.geminiSecret])
        #expect(ok.headers.allSatisfy { $0.overwrites })
    }

    @Test(arguments: [EnvoyRequest.Packing.rawBody, .bodyString])
    func partialBodyOnABodyRoutedRequestIsDenied(packing: EnvoyRequest.Packing) async throws {
        let prefix = String(Fixtures.chatBody.prefix(30))
        let response = try await withRunningFront(snapshot: Fixtures.snapshot()) { client in
            try await client.check(EnvoyRequest.make(
                method: "POST", path: "/v1/chat/completions",
                headers: [("authorization", "Bearer \(Fixtures.key)"), ("content-type", "application/json"),
                          ("content-length", String(Fixtures.chatBody.utf8.count))],
                body: prefix, packing: packing, partial: true))
        }
        let denied = try #require(response.deniedResponseIfPresent)
        #expect(denied.status.code == .forbidden)
        #expect(response.status.code == 7)
        #expect(response.header("x-modelgate-reason") == "body_incomplete")
        #expect(denied.body.contains("body_incomplete"))
    }

    @Test func bodyOverTheLimitIsDenied() async throws {
        let response = try await withRunningFront(snapshot: Fixtures.snapshot(maxBodyBytes: 32)) { client in
            try await client.check(EnvoyRequest.make(
                method: "POST", path: "/v1/chat/completions",
                headers: [("authorization", "Bearer \(Fixtures.key)"), ("content-type", "application/json")],
                body: Fixtures.chatBody))
        }
        #expect(response.deniedResponseIfPresent?.status.code == .forbidden)
        #expect(response.header("x-modelgate-reason") == "body_too_large")
    }

    @Test func missingKeyIsUnauthenticated() async throws {
        let response = try await withRunningFront(snapshot: Fixtures.snapshot()) { client in
            try await client.check(EnvoyRequest.make(
                method: "POST", path: "/v1/chat/completions", headers: [("content-type", "application/json")],
                body: Fixtures.chatBody))
        }
        let denied = try #require(response.deniedResponseIfPresent)
        #expect(response.status.code == 16)
        #expect(denied.status.code == .unauthorized)
        #expect(response.header("x-modelgate-reason") == "missing_key")
        #expect(denied.headers.allSatisfy { $0.overwrites })
        let json = try JSONSerialization.jsonObject(with: Data(denied.body.utf8)) as? [String: Any]
        #expect((json?["error"] as? [String: Any])?["type"] as? String == "missing_key")
    }

    @Test func modelOutsideTheKeysAllowlistIsPermissionDenied() async throws {
        let response = try await withRunningFront(snapshot: Fixtures.snapshot()) { client in
            try await client.check(EnvoyRequest.make(
                method: "POST", path: "/v1/chat/completions",
                headers: [("authorization", "Bearer \(Fixtures.otherKey)"), ("content-type", "application/json")],
                body: Fixtures.chatBody))
        }
        #expect(response.status.code == 7)
        #expect(response.deniedResponseIfPresent?.status.code == .forbidden)
        #expect(response.header("x-modelgate-reason") == "key_model_access_denied")
    }

    @Test func emptyCheckRequestIsDeniedNotAnRPCError() async throws {
        let response = try await withRunningFront(snapshot: Fixtures.snapshot()) { client in
            try await client.check(Envoy_Service_Auth_V3_CheckRequest())
        }
        #expect(!response.isAllow)
        #expect(response.deniedResponseIfPresent != nil)
    }

    @Test func aSnapshotSwapTakesEffectForTheNextCheck() async throws {
        let holder = SnapshotHolder(.empty)
        let request = EnvoyRequest.make(
            method: "POST", path: "/v1/chat/completions",
            headers: [("authorization", "Bearer \(Fixtures.key)"), ("content-type", "application/json")],
            body: Fixtures.chatBody)
        let (before, after) = try await withRunningFront(snapshots: holder) { client, _ in
            let before = try await client.check(request)
            holder.replace(with: Fixtures.snapshot())
            let after = try await client.check(request)
            return (before, after)
        }
        #expect(!before.isAllow)
        #expect(after.isAllow)
    }

    @Test func concurrentChecksOnOneConnectionAreEachAnsweredForTheirOwnRequest() async throws {
        let results = try await withRunningFront(snapshot: Fixtures.snapshot()) { client in
            try await withThrowingTaskGroup(of: (Bool, Bool).self) { group in
                for index in 0..<64 {
                    let allowed = index.isMultiple(of: 2)
                    let key = allowed ? Fixtures.key : "sk-unknown-\(index)"
                    group.addTask {
                        let response = try await client.check(EnvoyRequest.make(
                            method: "POST", path: "/v1/chat/completions",
                            headers: [("authorization", "Bearer \(key)"), ("content-type", "application/json")],
                            body: Fixtures.chatBody))
                        return (allowed, response.isAllow)
                    }
                }
                var results: [(Bool, Bool)] = []
                for try await result in group { results.append(result) }
                return results
            }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0.0 == $0.1 })
    }
}
