import Foundation
import ModelgateTestSupport
import Testing

/// Health, readiness, metrics, `/v1/decision` input errors and the admin hand-off.
@Suite struct ServiceRouteTests {
    @Test func livelinessAndReadiness() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let live = try await front.exchange(method: "GET", target: "/health/liveliness")
        #expect(live.status == 200)
        let ready = try await front.exchange(method: "GET", target: "/health/readiness")
        #expect(ready.status == 200, "\(ready)")
        #expect(ready.body.contains("\"ready\""))
        try await front.stop()
    }

    @Test func metricsCountChecksByDecisionReasonAndGroup() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let allowed = try await front.exchange(method: "POST", target: "/check", headers: TransportFixture.nginxHeaders(), body: TransportFixture.chatBody)
        #expect(allowed.status == 200, "\(allowed)")
        for _ in 0..<2 {
            _ = try await front.exchange(method: "GET", target: "/check/v1/models", headers: [("Authorization", "Bearer sk-nobody")])
        }
        let metrics = try await front.exchange(method: "GET", target: "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("content-type")?.hasPrefix("text/plain") == true)
        let text = metrics.body
        #expect(text.contains(#"modelgate_checks_total{front="http",decision="deny",reason="invalid_key"} 2"#), "\(text)")
        #expect(text.contains(#"modelgate_checks_total{front="http",decision="allow",reason="none"} 1"#))
        #expect(text.contains(#"modelgate_checks_by_model_group_total{model_group="gpt-4o",decision="allow"} 1"#))
        #expect(text.contains(#"modelgate_check_duration_seconds_count{front="http"} 3"#))
        #expect(text.contains("modelgate_policy_snapshot_generation "))
        #expect(text.contains("modelgate_policy_snapshot_age_seconds "))
        #expect(text.contains("modelgate_config_reloads_total"))
        // Never a key or a credential in a label.
        #expect(!text.contains("sk-nobody") && !text.contains(TransportFixture.key) && !text.contains(TransportFixture.openAISecret))
        try await front.stop()
    }

    @Test func decisionQueryRejectsBadInput() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        for body in ["not json", "[1]", #"{"method":"GET"}"#, #"{"method":"GET","path":"/v1/models","headers":{"a":1}}"#,
                     #"{"method":"GET","path":"/v1/models","body":{}}"#] {
            let response = try await front.exchange(method: "POST", target: "/v1/decision", body: Array(body.utf8))
            #expect(response.status == 400, "\(body): \(response)")
            #expect(response.body.contains("\"bad_request\""))
        }
        let wrongMethod = try await front.exchange(method: "GET", target: "/v1/decision")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("allow") == "POST")
        try await front.stop()
    }

    @Test func decisionQueryTakesRepeatedHeadersAsArrays() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let query = #"{"method":"GET","path":"/v1/models","headers":{"Authorization":["Bearer \#(TransportFixture.key)","Bearer sk-other"]}}"#
        let response = try await front.exchange(method: "POST", target: "/v1/decision", body: Array(query.utf8))
        #expect(response.status == 200)
        #expect(response.body.contains(#""reason":"ambiguous_credentials""#), "\(response.body)")
        try await front.stop()
    }

    @Test func unknownRoutesAnswer404AndAdminRoutesReachTheAdminAPI() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config, environment: ["MODELGATE_MASTER_KEY": "sk-master-test"])
        let unknown = try await front.exchange(method: "GET", target: "/no/such/route")
        #expect(unknown.status == 404)
        #expect(unknown.body.contains("\"not_found\""))
        // The admin API answers its own routes (401 without the master key).
        let admin = try await front.exchange(method: "POST", target: "/key/generate", headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
        #expect(admin.status == 401, "\(admin)")
        try await front.stop()
    }

    @Test func adminBodyOverTheLimitIs413() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let response = try await front.exchange(method: "POST", target: "/key/generate", body: Array(repeating: UInt8(ascii: "a"), count: (1 << 20) + 1))
        #expect(response.status == 413)
        try await front.stop()
    }
}
