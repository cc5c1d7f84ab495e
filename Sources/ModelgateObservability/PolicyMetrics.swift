import struct Foundation.Date
import ModelgateCore
import Prometheus

/// Metrics about the policy being served rather than about single checks: the snapshot's age
/// and generation (set when `/metrics` is scraped, so they cost nothing on a check) and the
/// config reloads.
public final class PolicyMetrics: Sendable {
    private let snapshotAge: Gauge
    private let snapshotGeneration: Gauge
    private let reloadsSucceeded: Counter
    private let reloadsFailed: Counter

    public init(registry: PrometheusCollectorRegistry) {
        snapshotAge = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "modelgate", subsystem: "policy", metricName: "snapshot_age", unitName: "seconds",
            helpText: "Seconds since the policy snapshot being served was built."))
        snapshotGeneration = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "modelgate", subsystem: "policy", metricName: "snapshot_generation", unitName: "",
            helpText: "Generation of the policy snapshot being served; increases with every swap."))
        let reloads = MetricNameDescriptor(
            namespace: "modelgate", subsystem: "config", metricName: "reloads", unitName: "total",
            helpText: "Config reloads (SIGHUP), by result.")
        reloadsSucceeded = registry.makeCounter(descriptor: reloads, labels: [("result", "success")])
        reloadsFailed = registry.makeCounter(descriptor: reloads, labels: [("result", "failure")])
    }

    /// Sets the snapshot gauges; called just before the registry is emitted. The placeholder
    /// snapshot served before the first load (generation 0) has no age.
    public func observe(_ snapshot: PolicySnapshot, now: Date) {
        snapshotAge.set(snapshot.generation == 0 ? 0 : max(0, now.timeIntervalSince(snapshot.builtAt)))
        snapshotGeneration.set(Double(snapshot.generation))
    }

    /// Counts one config reload.
    public func recordReload(succeeded: Bool) {
        (succeeded ? reloadsSucceeded : reloadsFailed).increment()
    }
}
