import Foundation
import ModelgateCore

/// In-process decision latency per route shape: `DecisionEngine.decide` on a prepared
/// `CheckRequest`, rotating through keys so key lookups are not always the same cache line.
enum DecisionSuite {
    static let keyCount = 1_000
    static let rotatingKeys = 256

    static func run(_ budget: Budget) throws -> Table {
        let snapshot = PolicySnapshot(parts: Fixtures.parts(keyCount: keyCount, groupCount: Fixtures.coreModels.count))
        let keys = Fixtures.sampleKeys(keyCount: keyCount, limit: rotatingKeys)
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        var table = Table(
            "Decision latency per route shape (in-process, \(keyCount) keys, \(Fixtures.coreModels.count) groups)",
            columns: ["route shape", "p50", "p99", "mean", "allocs/decision", "CPU share"])
        let shapes = Fixtures.Shape.allCases
        var requests: [[CheckRequest]] = []
        for shape in shapes {
            let prepared = keys.map { Fixtures.request(shape, key: $0) }
            let first = DecisionEngine.decide(prepared[0], in: snapshot, now: now)
            guard first.allow == shape.allows else {
                throw BenchError("\(shape.title): expected allow=\(shape.allows), got \(first.reason?.rawValue ?? "allow"): \(first.message)")
            }
            requests.append(prepared)
        }
        // Round by round, shape after shape (each round with its own warm-up): a slow spell of the
        // shared machine then costs each shape a round, which the median drops, instead of
        // every round of one shape.
        var oneRound = budget
        oneRound.rounds = 1
        var passes = [[LatencyResult]](repeating: [], count: shapes.count)
        for _ in 0..<budget.rounds {
            for (row, prepared) in requests.enumerated() {
                passes[row].append(Measure.latency(oneRound) { index in
                    blackHole(DecisionEngine.decide(prepared[index % prepared.count], in: snapshot, now: now))
                })
            }
        }
        for (shape, results) in zip(shapes, passes) {
            let result = LatencyResult.median(of: results)
            table.add([shape.title, Format.micros(result.p50), Format.micros(result.p99), Format.micros(result.mean),
                       Format.allocations(result.allocations), Format.percent(result.cpuShare)])
        }
        table.notes = [
            "Each sample times one `DecisionEngine.decide` call (request already parsed into a `CheckRequest`, as the HTTP and gRPC fronts hand it over) with `ContinuousClock`, whose own cost (≈ \(Format.fixed(clockOverheadNanos, digits: 0)) ns) is included.",
            "p50/p99: median over \(budget.rounds) rounds of each round's percentile; the rounds go shape after shape, each after its own warm-up, so that a busy spell of the shared machine costs every shape a round rather than one shape all of them. Keys rotate over \(rotatingKeys) of the \(keyCount). CPU share: the thread's CPU time over wall time while timing; below ~95 % other processes took the CPU and the percentiles include waiting. Requests carry the headers the OpenAI/Anthropic Python SDKs and boto3 send (9–15 headers).",
        ]
        return table
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
