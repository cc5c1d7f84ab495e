import Foundation
import ModelgateTestSupport
import Testing

/// Two replicas writing the same key at the same moment (CONTRACT §8, issue 14.4): both answers
/// are honest and every replica ends in the state the database holds, one of the two writes.
/// Its own cluster: another suite stops the shared one.
@Suite("Concurrent writes on two replicas", .enabled(if: PostgresCluster.isAvailable, Comment(rawValue: PostgresCluster.skipMessage)))
struct ConcurrentReplicaWriteTests {
    @Test("the same key written on two replicas at once: honest answers, no replica diverges")
    func sameKeyAtOnce() async throws {
        let fleet = try ReplicaFleet(count: 3)
        defer { fleet.close() }
        let replicas = fleet.replicas
        try await fleet.waitReady()
        let (a, b) = (replicas[0], replicas[1])
        let key = try #require(try await a.admin("/key/generate", #"{"models": ["gpt-4o"]}"#).json["key"] as? String)

        for round in 0..<20 {
            async let first = a.admin("/key/update", #"{"key": "\#(key)", "models": ["gpt-4o"], "key_alias": "a-\#(round)"}"#)
            async let second = b.admin("/key/update", #"{"key": "\#(key)", "models": ["other"], "key_alias": "b-\#(round)"}"#)
            let answers = try await [first, second]
            // Honest: each write says it was made, and says what it wrote.
            #expect(answers[0].status == 200 && answers[0].json["key_alias"] as? String == "a-\(round)")
            #expect(answers[1].status == 200 && answers[1].json["key_alias"] as? String == "b-\(round)")

            // The database holds one of the two; every replica converges on it within 1 s.
            let stored = try await a.request("/key/info?key=\(key)", method: "GET", body: nil, headers: [
                "Authorization": "Bearer \(ReplicaTests.master)",
            ]).json["info"] as? [String: Any]
            let models = try #require(stored?["models"] as? [String], "round \(round): /key/info answered no models")
            #expect(models == ["gpt-4o"] || models == ["other"])
            let allowed = models[0], denied = allowed == "gpt-4o" ? "other" : "gpt-4o"
            let start = Date()
            for replica in replicas {
                while true {
                    let allows = try await replica.check(key: key, model: allowed) == 200
                    let denies = try await replica.check(key: key, model: denied) == 403
                    if allows && denies { break }
                    guard Date().timeIntervalSince(start) < 1 else {
                        Issue.record("round \(round): replica \(replica.index) diverges from the database (\(allowed)) after 1 s")
                        return
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
        }
    }
}
