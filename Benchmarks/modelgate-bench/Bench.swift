import Foundation

/// `modelgate-bench [--smoke] [--markdown FILE] [--suite decision,body,scale,metrics]`
/// `modelgate-bench scale-worker --keys N --groups M [--smoke]` (used by the scale suite)
/// `modelgate-bench profile SHAPE [--iterations N]` decides one shape N times, untimed, for
/// `valgrind --tool=callgrind` (shapes: openai, anthropic, bedrock, vertex, azure, denied, unknown-key, scan-1mb)
@main
struct Bench {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let smoke = take(&arguments, flag: "--smoke")
        let budget = smoke ? Budget.smoke : Budget.full
        do {
            if arguments.first == "scale-worker" {
                arguments.removeFirst()
                guard let keys = take(&arguments, option: "--keys").flatMap(Int.init),
                      let groups = take(&arguments, option: "--groups").flatMap(Int.init)
                else { throw BenchError("scale-worker needs --keys N --groups M") }
                try ScaleSuite.worker(keys: keys, groups: groups, budget: budget)
                return
            }
            if arguments.first == "profile" {
                arguments.removeFirst()
                let iterations = take(&arguments, option: "--iterations").flatMap(Int.init) ?? 10_000
                guard let shape = arguments.first else { throw BenchError("profile needs a shape") }
                try Profile.run(shape, iterations: iterations)
                return
            }
            let markdownPath = take(&arguments, option: "--markdown")
            let suites = take(&arguments, option: "--suite")?.split(separator: ",").map(String.init) ?? ["decision", "body", "scale", "metrics"]
            guard arguments.isEmpty else { throw BenchError("unknown arguments: \(arguments.joined(separator: " "))") }

            print("modelgate-bench\(smoke ? " --smoke (numbers are not meaningful)" : ""): allocation counting \(allocationCountingWorks ? "on" : "unavailable"), clock overhead ≈ \(Format.fixed(clockOverheadNanos, digits: 0)) ns")
            var tables: [Table] = []
            for suite in suites {
                let table: Table
                switch suite {
                case "decision": table = try DecisionSuite.run(budget)
                case "body": table = try BodyScanSuite.run(budget)
                case "scale": table = try ScaleSuite.run(budget, smoke: smoke)
                case "metrics": table = try MetricsSuite.run(budget)
                default: throw BenchError("unknown suite \(suite)")
                }
                print(table.text, terminator: "")
                tables.append(table)
            }
            if let markdownPath {
                let markdown = tables.map(\.markdown).joined(separator: "\n")
                try markdown.write(toFile: markdownPath, atomically: true, encoding: .utf8)
            }
        } catch {
            FileHandle.standardError.write(Data("modelgate-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    private static func take(_ arguments: inout [String], flag: String) -> Bool {
        guard let index = arguments.firstIndex(of: flag) else { return false }
        arguments.remove(at: index)
        return true
    }

    private static func take(_ arguments: inout [String], option: String) -> String? {
        guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count else { return nil }
        let value = arguments[index + 1]
        arguments.removeSubrange(index...(index + 1))
        return value
    }
}
