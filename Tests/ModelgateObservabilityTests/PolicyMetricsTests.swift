import Foundation
import ModelgateCore
import ModelgateObservability
import Prometheus
import Testing

/// The policy gauges (set at scrape time) and the reload counter.
@Suite("Policy metrics")
struct PolicyMetricsTests {
    static func emitted(_ registry: PrometheusCollectorRegistry) -> [String: Double] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        var samples: [String: Double] = [:]
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
        }
        return samples
    }

    @Test func snapshotAgeAndGeneration() {
        let registry = PrometheusCollectorRegistry()
        let metrics = PolicyMetrics(registry: registry)
        let built = Date(timeIntervalSince1970: 1_800_000_000)
        metrics.observe(PolicySnapshot(parts: PolicyParts(), generation: 0, builtAt: built), now: built.addingTimeInterval(50))
        var samples = Self.emitted(registry)
        #expect(samples["modelgate_policy_snapshot_age_seconds"] == 0)
        #expect(samples["modelgate_policy_snapshot_generation"] == 0)

        metrics.observe(PolicySnapshot(parts: PolicyParts(), generation: 7, builtAt: built), now: built.addingTimeInterval(42.5))
        samples = Self.emitted(registry)
        #expect(samples["modelgate_policy_snapshot_age_seconds"] == 42.5)
        #expect(samples["modelgate_policy_snapshot_generation"] == 7)

        // A clock that went back never shows a negative age.
        metrics.observe(PolicySnapshot(parts: PolicyParts(), generation: 8, builtAt: built), now: built.addingTimeInterval(-5))
        #expect(Self.emitted(registry)["modelgate_policy_snapshot_age_seconds"] == 0)
    }

    @Test func reloadsAreCountedByResult() {
        let registry = PrometheusCollectorRegistry()
        let metrics = PolicyMetrics(registry: registry)
        metrics.recordReload(succeeded: true)
        metrics.recordReload(succeeded: true)
        metrics.recordReload(succeeded: false)
        let samples = Self.emitted(registry)
        #expect(samples[#"modelgate_config_reloads_total{result="success"}"#] == 2)
        #expect(samples[#"modelgate_config_reloads_total{result="failure"}"#] == 1)
    }
}
