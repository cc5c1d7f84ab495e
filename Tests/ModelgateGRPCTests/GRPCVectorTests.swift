import Foundation
import ModelgateCore
import ModelgateTestSupport
import Testing
@testable import ModelgateGRPC

/// Every public decision vector (`shared/vectors`, CONTRACT §7) over a real gRPC connection, in
/// both of Envoy's body packings: the same decision must come out as from every other front.
@Suite struct GRPCVectorTests {
    static let identityHeaders = [
        "x-modelgate-model-group", "x-modelgate-model-id", "x-modelgate-provider",
        "x-modelgate-key-alias", "x-modelgate-team-id", "x-modelgate-user-id",
    ]

    @Test(arguments: [EnvoyRequest.Packing.rawBody, .bodyString])
    func everyVectorGivesItsExpectedDecision(packing: EnvoyRequest.Packing) async throws {
        let suites = try TestVectors.all()
        #expect(!suites.isEmpty)
        for suite in suites {
            let snapshot = try suite.snapshot()
            try await withRunningFront(snapshot: snapshot) { client in
                for vector in suite.cases {
                    let response = try await client.check(EnvoyRequest.make(
                        method: vector.method, path: vector.path, headers: vector.headers, body: vector.body,
                        packing: packing))
                    let direct = DecisionEngine.decide(vector.checkRequest, in: snapshot, now: Date())
                    Self.verify(response, against: vector, direct: direct, label: "\(suite.file): \(vector.name) [\(packing)]")
                }
            }
        }
    }

    static func verify(
        _ response: Envoy_Service_Auth_V3_CheckResponse, against vector: VectorCase, direct: Decision, label: String
    ) {
        let expect = vector.expect
        let comment = Comment(rawValue: label)
        #expect(response.isAllow == expect.allow, comment)
        // Same answer as the engine asked directly, message included.
        #expect(response.isAllow == direct.allow, comment)
        #expect(response.status.message == (direct.allow ? "" : direct.message), comment)

        if let ok = response.okResponseIfPresent {
            #expect(expect.status == 200, comment)
            #expect(response.status.code == 0, comment)
            #expect(ok.headers.allSatisfy { $0.overwrites }, comment)
            let set = Set(ok.headers.map { $0.header.key.lowercased() })
            #expect(ok.headersToRemove.allSatisfy { !set.contains($0.lowercased()) }, comment)
            let setParameters = Set(ok.queryParametersToSet.map(\.key))
            #expect(ok.queryParametersToRemove.allSatisfy { !setParameters.contains($0) }, comment)
            for name in identityHeaders {
                #expect(response.headerValues(name).count == 1, "\(label): \(name) set once")
            }
            if let group = expect.modelGroup {
                #expect(response.header("x-modelgate-model-group") == group, comment)
            }
            if let provider = expect.provider {
                #expect(response.header("x-modelgate-provider") == provider, comment)
            }
            for (name, value) in expect.upstreamHeaders {
                #expect(response.headerValues(name) == [value], "\(label): upstream header \(name)")
            }
            // A key sent as ?key= never reaches the upstream unchanged.
            if let clientKey = queryValue("key", in: vector.path) {
                let upstream = EnvoySimulation.upstreamQuery(client: [("key", clientKey)], applying: ok)
                #expect(upstream["key"] != clientKey, "\(label): client ?key= must not reach upstream")
            }
        } else if let denied = response.deniedResponseIfPresent {
            #expect(denied.status.code.rawValue == expect.status, comment)
            #expect(response.status.code == (expect.status == 401 ? 16 : 7), comment)
            #expect(denied.headers.allSatisfy { $0.overwrites }, comment)
            if let reason = expect.reason {
                #expect(response.header("x-modelgate-reason") == reason, comment)
                #expect(denied.body.contains("\"type\":\"\(reason)\""), comment)
            }
            #expect(denied.body == direct.errorBody, comment)
        } else {
            Issue.record("\(label): no http_response in CheckResponse")
        }
    }

    private static func queryValue(_ name: String, in path: String) -> String? {
        guard let query = path.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first.map(String.init) == name { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }
}
