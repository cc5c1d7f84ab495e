import Foundation
import ModelgateCore

/// Untimed loops for profilers: callgrind counts instructions, so one shape, many times.
enum Profile {
    static func run(_ name: String, iterations: Int) throws {
        if name == "scan-1mb" {
            let body = Bodies.chat(size: 1 << 20, model: "gpt-4o", modelFirst: false)
            for _ in 0..<iterations { blackHole(try JSONBodyScanner.scan(body)) }
            return
        }
        let shapes: [String: Fixtures.Shape] = [
            "openai": .openAI1KB, "anthropic": .anthropic100KB, "bedrock": .bedrockARN, "vertex": .vertex,
            "azure": .azure, "denied": .deniedAllowlist, "unknown-key": .deniedUnknownKey,
        ]
        guard let shape = shapes[name] else { throw BenchError("unknown profile shape \(name)") }
        let snapshot = PolicySnapshot(parts: Fixtures.parts(keyCount: DecisionSuite.keyCount, groupCount: Fixtures.coreModels.count))
        let requests = Fixtures.sampleKeys(keyCount: DecisionSuite.keyCount, limit: 16).map { Fixtures.request(shape, key: $0) }
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        for index in 0..<iterations {
            blackHole(DecisionEngine.decide(requests[index % requests.count], in: snapshot, now: now))
        }
    }
}
