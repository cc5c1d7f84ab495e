import Foundation
import ModelgateTestSupport
import Testing

/// `max_policy_staleness_seconds` on a real replica: with the database gone for longer than
/// the setting, checks are 503 `policy_stale` and readiness 503; the database's return lifts it.
/// Its own cluster: stopping the shared one would disturb the other suites.
@Suite("A stale policy on a replica", .enabled(if: PostgresCluster.isAvailable, Comment(rawValue: PostgresCluster.skipMessage)))
struct StalePolicyTests {
    @Test("past max_policy_staleness_seconds without the database checks are 503 policy_stale; its return lifts it")
    func stale() async throws {
        let fleet = try ReplicaFleet(count: 1, extraConfig: "modelgate_settings:\n  max_policy_staleness_seconds: 2\n")
        defer { fleet.close() }
        let (cluster, replica) = (fleet.cluster, fleet.replicas[0])
        try await fleet.waitReady()
        let key = try #require(try await replica.admin("/key/generate", #"{"models": ["gpt-4o"]}"#).json["key"] as? String)
        #expect(try await replica.check(key: key, model: "gpt-4o") == 200)

        cluster.stop(immediate: true)
        let stopped = Date()
        // Within the setting the last policy answers.
        #expect(try await replica.check(key: key, model: "gpt-4o") == 200)
        var stale: Replica.Answer?
        while Date().timeIntervalSince(stopped) < 6 {
            let answer = try await replica.request("/check/v1/chat/completions", method: "POST", body: #"{"model": "gpt-4o"}"#, headers: [
                "Authorization": "Bearer \(key)", "Content-Type": "application/json",
            ])
            if answer.status != 200 { stale = answer; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let denied = try #require(stale, "checks never went stale")
        #expect(denied.status == 503)
        #expect(denied.body.contains(#""type":"policy_stale""#))
        #expect(Date().timeIntervalSince(stopped) >= 1.5, "stale before the setting ran out")
        let readiness = try await replica.get("/health/readiness")
        #expect(readiness.status == 503)
        #expect(readiness.body.contains("policy_stale"))

        try cluster.start()
        let restarted = Date()
        var current = false
        while Date().timeIntervalSince(restarted) < 10 {
            if try await replica.check(key: key, model: "gpt-4o") == 200 { current = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(current, "checks were not answered again within 10 s of the database's return")
        #expect(try await replica.get("/health/readiness").status == 200)
    }
}
