import Foundation
import Logging
import ModelgateCore
import ModelgateObservability
import Prometheus

/// What recording one check costs: `DecisionRecorder.record` (two counters and the latency
/// histogram of swift-prometheus, configured as `modelgate serve` does), from one thread and
/// from two at once. The histogram (and each counter) takes a lock per observation; with two
/// event loops recording into the same histogram, that lock is shared.
enum MetricsSuite {
    static func run(_ budget: Budget) throws -> Table {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[DecisionRecorder.durationMetricName] = DecisionRecorder.durationBuckets
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let recorder = DecisionRecorder(logger: logger, metricsFactory: factory)

        let snapshot = PolicySnapshot(parts: Fixtures.parts(keyCount: 10, groupCount: Fixtures.coreModels.count))
        let key = Fixtures.sampleKeys(keyCount: 10, limit: 1)[0]
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let allowed = DecisionEngine.decide(Fixtures.request(.openAI1KB, key: key), in: snapshot, now: now)
        let denied = DecisionEngine.decide(Fixtures.request(.deniedAllowlist, key: Fixtures.restrictedKey), in: snapshot, now: now)
        guard allowed.allow, !denied.allow else { throw BenchError("metrics suite: fixtures did not decide as expected") }

        var table = Table(
            "Check metrics: cost of recording one decision",
            columns: ["recording", "threads", "per record", "records/s (all threads)"])
        let calls = budget.rounds == 1 ? 20_000 : 2_000_000
        for (name, decision) in [("allowed check", allowed), ("denied check", denied)] {
            for threads in [1, 2] {
                let seconds = concurrently(threads: threads, rounds: budget.rounds) {
                    for index in 0..<calls {
                        recorder.record(decision, front: "http", elapsedNanoseconds: UInt64(3_000 + index & 1_023))
                    }
                }
                let perRecord = seconds * 1e9 / Double(calls)
                table.add([name, String(threads), Format.fixed(perRecord, digits: 0) + " ns",
                           Format.fixed(Double(calls * threads) / seconds / 1e6, digits: 1) + " M"])
            }
        }
        table.notes = [
            "`DecisionRecorder.record` as both fronts call it once per check: `modelgate_checks_total` and `modelgate_checks_by_model_group_total` counters and the `modelgate_check_duration_seconds` histogram (modelgate's 12 buckets), logger at info (allowed checks log nothing). Two threads record into the same handles at once, as two event loops do. Per record: wall time of \(calls) records on each thread divided by \(calls) (median of \(budget.rounds) rounds).",
        ]
        return table
    }

    /// Runs `work` on `threads` threads started together; returns the median wall time in seconds.
    private static func concurrently(threads: Int, rounds: Int, _ work: @escaping @Sendable () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<rounds {
            let group = DispatchGroup()
            let start = DispatchSemaphore(value: 0)
            for _ in 0..<threads {
                group.enter()
                Thread {
                    start.wait()
                    work()
                    group.leave()
                }.start()
            }
            let clock = ContinuousClock()
            let began = clock.now
            for _ in 0..<threads { start.signal() }
            group.wait()
            times.append(Double(nanos(clock.now - began)) / 1e9)
        }
        return Measure.median(times)
    }
}
