import BenchAllocationCounter
#if canImport(Glibc)
import Glibc
#endif

/// How long and how often to measure; `smoke` only proves every benchmark runs.
struct Budget {
    /// Wall time spent warming up each benchmark (caches, branch predictors, lazy globals).
    var warmUpNanos: Int64
    /// Wall time per measured round.
    var roundNanos: Int64
    /// Rounds per benchmark; the reported percentile is the median of the rounds' percentiles,
    /// which keeps one round disturbed by the other tenants of the machine from moving it.
    var rounds: Int
    /// Bounds on operations per round.
    var minOperations: Int
    var maxOperations: Int
    /// Passes of the scale suite over its policy sizes, one size after the other in each pass;
    /// a size reports the median of its passes. A worker's rounds are consecutive, so a few
    /// seconds of a busy neighbour would otherwise land on one size only and make sizes that
    /// should be equal differ (a run at 159a40d put the 10-key row at 1.8× the 100k-key one).
    var passes: Int

    static let full = Budget(
        warmUpNanos: 200_000_000, roundNanos: 200_000_000, rounds: 7, minOperations: 5, maxOperations: 200_000, passes: 5)
    static let smoke = Budget(
        warmUpNanos: 2_000_000, roundNanos: 10_000_000, rounds: 1, minOperations: 1, maxOperations: 2_000, passes: 1)
}

/// Latency of one operation, in nanoseconds, and its heap allocations.
struct LatencyResult {
    var p50: Double
    var p99: Double
    var mean: Double
    /// Heap allocations per operation (0 if the allocator is not interposed).
    var allocations: Double
    var operations: Int
    /// Share of wall time the thread was on a CPU while timing (median over rounds): well
    /// below 1 means other processes took the CPU and the percentiles include waiting.
    var cpuShare: Double
}

extension LatencyResult {
    /// The median of each figure over several passes of the same benchmark.
    static func median(of passes: [LatencyResult]) -> LatencyResult {
        LatencyResult(
            p50: Measure.median(passes.map(\.p50)), p99: Measure.median(passes.map(\.p99)),
            mean: Measure.median(passes.map(\.mean)), allocations: Measure.median(passes.map(\.allocations)),
            operations: passes.map(\.operations).reduce(0, +), cpuShare: Measure.median(passes.map(\.cpuShare)))
    }
}

/// Throughput of an operation over `bytes` bytes.
struct ThroughputResult {
    /// Median over rounds of bytes per second of CPU time.
    var bytesPerSecond: Double
    /// Median time of one pass over the input.
    var nanosPerPass: Double
    var allocations: Double
}

@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

@inline(__always)
func nanos(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
}

/// CPU time this thread has used, in nanoseconds.
func threadCPUNanos() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}

/// Heap allocations by this thread so far (see BenchAllocationCounter).
var threadAllocations: UInt64 { bench_thread_allocations() }

/// Whether allocation counting works in this process (glibc, symbols interposed).
let allocationCountingWorks: Bool = {
    let before = threadAllocations
    blackHole([Int](repeating: 7, count: 64))
    return threadAllocations > before
}()

/// Cost of reading the clock twice, which every latency sample includes (median of many).
let clockOverheadNanos: Double = {
    let clock = ContinuousClock()
    var samples: [Int64] = []
    samples.reserveCapacity(10_001)
    for _ in 0...10_000 {
        let start = clock.now
        let end = clock.now
        samples.append(nanos(end - start))
    }
    samples.sort()
    return Double(samples[samples.count / 2])
}()

enum Measure {
    /// Times `operation(i)` one call at a time and reports percentiles over rounds.
    ///
    /// `operation` receives a running index so it can rotate through prepared inputs.
    static func latency(_ budget: Budget, _ operation: (Int) -> Void) -> LatencyResult {
        let clock = ContinuousClock()
        var index = 0
        // Warm up, and learn the cost of one call to size the rounds.
        let warmStart = clock.now
        var warmCalls = 0
        repeat {
            operation(index)
            index &+= 1
            warmCalls += 1
        } while nanos(clock.now - warmStart) < budget.warmUpNanos
        let perCall = max(1, nanos(clock.now - warmStart) / Int64(warmCalls))
        let perRound = Int(min(Int64(budget.maxOperations), max(Int64(budget.minOperations), budget.roundNanos / perCall)))

        var p50s: [Double] = [], p99s: [Double] = [], means: [Double] = [], shares: [Double] = []
        var samples = [Int64](repeating: 0, count: perRound)
        for _ in 0..<budget.rounds {
            var total: Int64 = 0
            let roundStart = clock.now
            let cpuStart = threadCPUNanos()
            for slot in 0..<perRound {
                let start = clock.now
                operation(index)
                let elapsed = nanos(clock.now - start)
                samples[slot] = elapsed
                total += elapsed
                index &+= 1
            }
            shares.append(Double(threadCPUNanos() - cpuStart) / Double(max(1, nanos(clock.now - roundStart))))
            samples.sort()
            p50s.append(Double(percentile(samples, 0.50)))
            p99s.append(Double(percentile(samples, 0.99)))
            means.append(Double(total) / Double(perRound))
        }

        let before = threadAllocations
        let counted = min(perRound, 1_000)
        for _ in 0..<counted {
            operation(index)
            index &+= 1
        }
        let allocations = Double(threadAllocations - before) / Double(counted)
        return LatencyResult(
            p50: median(p50s), p99: median(p99s), mean: median(means), allocations: allocations,
            operations: perRound * budget.rounds, cpuShare: median(shares))
    }

    /// Runs `pass` (one pass over `bytes` bytes) back to back and reports the median rate over
    /// rounds, per second of this thread's CPU time: time the scheduler gave to other processes
    /// on this shared machine does not count against the scanner.
    static func throughput(_ budget: Budget, bytes: Int, _ pass: () -> Void) -> ThroughputResult {
        let clock = ContinuousClock()
        let warmStart = clock.now
        var warmPasses = 0
        repeat {
            pass()
            warmPasses += 1
        } while nanos(clock.now - warmStart) < budget.warmUpNanos
        let perPass = max(1, nanos(clock.now - warmStart) / Int64(warmPasses))
        let perRound = Int(min(Int64(budget.maxOperations), max(Int64(budget.minOperations), budget.roundNanos / perPass)))

        var rates: [Double] = [], times: [Double] = []
        for _ in 0..<budget.rounds {
            let start = threadCPUNanos()
            for _ in 0..<perRound { pass() }
            let elapsed = Double(max(1, threadCPUNanos() - start))
            rates.append(Double(bytes) * Double(perRound) / (elapsed / 1e9))
            times.append(elapsed / Double(perRound))
        }
        let before = threadAllocations
        pass()
        let allocations = Double(threadAllocations - before)
        return ThroughputResult(bytesPerSecond: median(rates), nanosPerPass: median(times), allocations: allocations)
    }

    static func percentile(_ sorted: [Int64], _ fraction: Double) -> Int64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((Double(sorted.count) * fraction).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
