import BenchAllocationCounter
import Foundation
import ModelgateCore

/// Decision latency and resident memory as the policy grows. Each size runs in a fresh child
/// process (`modelgate-bench scale-worker`) so its RSS is its own.
enum ScaleSuite {
    static let fullSizes = [(10, 10), (10_000, 10), (100_000, 10), (10, 5_000), (100_000, 5_000)]
    static let smokeSizes = [(10, 10), (1_000, 100)]

    static func run(_ budget: Budget, smoke: Bool) throws -> Table {
        var table = Table(
            "Scale: decision latency and memory by policy size",
            columns: ["keys", "groups", "snapshot build", "RSS idle", "RSS with snapshot", "after malloc_trim", "peak RSS",
                      "Bedrock path p50", "p99", "OpenAI 1 KB p50", "p99", "CPU share",
                      "key change p50", "p99", "p99 CPU time", "user change p99", "RSS after \(Self.writes) writes"])
        let sizes = smoke ? smokeSizes : fullSizes
        // Every size once per pass, sizes in turn; each figure is the median over the passes.
        var passes = [[[String: String]]](repeating: [], count: sizes.count)
        for _ in 0..<budget.passes {
            for (row, (keys, groups)) in sizes.enumerated() {
                passes[row].append(try spawnWorker(keys: keys, groups: groups, smoke: smoke))
            }
        }
        for ((keys, groups), workers) in zip(sizes, passes) {
            func value(_ name: String) throws -> Double {
                let numbers = workers.compactMap { $0[name].flatMap(Double.init) }
                guard numbers.count == workers.count else { throw BenchError("scale worker: no \(name)") }
                return Measure.median(numbers)
            }
            table.add([
                String(keys), String(groups), Format.fixed(try value("build_ms"), digits: 0) + " ms",
                Format.megabytes(kilobytes: Int(try value("rss_idle_kb"))),
                Format.megabytes(kilobytes: Int(try value("rss_kb"))),
                Format.megabytes(kilobytes: Int(try value("rss_trimmed_kb"))),
                Format.megabytes(kilobytes: Int(try value("hwm_kb"))),
                Format.micros(try value("path_p50")), Format.micros(try value("path_p99")),
                Format.micros(try value("body_p50")), Format.micros(try value("body_p99")),
                Format.percent(min(try value("path_cpu"), try value("body_cpu"))),
                Format.micros(try value("key_change_p50")), Format.micros(try value("key_change_p99")),
                Format.micros(try value("key_change_cpu_p99")),
                Format.micros(try value("user_change_p99")),
                Format.megabytes(kilobytes: Int(try value("rss_writes_kb"))),
            ])
        }
        table.notes = [
            "RSS idle: the worker process before building the policy; RSS with snapshot: right after building it and dropping the `PolicyParts` it came from (freed heap the allocator keeps counts); after malloc_trim: the same once glibc has handed the build's freed heap back (`malloc_trim(0)`, which a server can call after swapping in a snapshot); peak RSS (VmHWM) includes the build, when parts and snapshot coexist.",
            "Each size runs in \(budget.passes) worker processes, sizes taken in turn; every figure is the median over them.",
            "Key change: one admin write applied to the snapshot in force without re-reading the policy (PolicyChange, as `SnapshotBuilder.apply` does it: a copy of the key's shard of the key table, a new snapshot sharing everything else, one atomic swap); \(Self.writes) changes in turn: 3 in 5 update an existing key, 1 in 5 adds a key, 1 in 5 deletes one added before. p99 CPU time: the apply thread's own CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), which leaves out preemption by other processes. User change: the same for a user (a copy of the user map). The database read of the changed row is not included. RSS after \(Self.writes) writes: after all of them (on top of the trimmed snapshot), with only the last snapshot alive, no malloc_trim.",
            "Keys: half bound to a team, a third to a user, each with a 7-entry allowlist (groups, an access group, a glob). Filler groups spread over openai/bedrock/vertex_ai/azure. Checks rotate over up to 4,096 keys spread evenly over the whole key table.",
        ]
        return table
    }

    /// Runs in the child: builds the policy, measures, prints `key=value` pairs on one line.
    static func worker(keys keyCount: Int, groups: Int, budget: Budget) throws {
        let idle = MemoryStatus.read()
        let clock = ContinuousClock()
        let start = clock.now
        // The parts go out of scope once the snapshot holds what it needs.
        let holder = SnapshotHolder(PolicySnapshot(parts: Fixtures.parts(keyCount: keyCount, groupCount: groups)))
        let buildNanos = nanos(clock.now - start)
        // Measured before the benchmark's own requests exist; then once more after handing the
        // build's freed heap back to the system (what a server can do after swapping snapshots).
        let built = MemoryStatus.read()
        bench_release_free_memory()
        let trimmed = MemoryStatus.read()
        let keys = Fixtures.sampleKeys(keyCount: keyCount, limit: 4_096)
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        var line = "keys=\(keyCount) groups=\(groups) build_ms=\(Double(buildNanos) / 1e6)"
        for (name, shape) in [("path", Fixtures.Shape.bedrockARN), ("body", .openAI1KB)] {
            let snapshot = holder.snapshot
            let requests = keys.map { Fixtures.request(shape, key: $0) }
            guard DecisionEngine.decide(requests[0], in: snapshot, now: now).allow else {
                throw BenchError("scale worker: \(shape.title) was denied")
            }
            let result = Measure.latency(budget) { index in
                blackHole(DecisionEngine.decide(requests[index % requests.count], in: snapshot, now: now))
            }
            line += " \(name)_p50=\(result.p50) \(name)_p99=\(result.p99) \(name)_cpu=\(result.cpuShare)"
        }
        line += " rss_idle_kb=\(idle.rssKB) rss_kb=\(built.rssKB) hwm_kb=\(built.peakKB) rss_trimmed_kb=\(trimmed.rssKB)"
        line += " " + applyChanges(holder, sample: keys, writes: Self.writes)
        print(line)
    }

    static let writes = 1_000

    /// Admin writes applied one by one to the snapshot in `holder`; `key=value` pairs with the
    /// apply times and the RSS after them.
    private static func applyChanges(_ holder: SnapshotHolder, sample: [String], writes: Int) -> String {
        let clock = ContinuousClock()
        var keyNanos: [Int64] = []
        var keyCPUNanos: [Int64] = []
        var userNanos: [Int64] = []
        var added: [KeyHash] = []
        for index in 0..<writes {
            let current = holder.snapshot
            let start = clock.now
            let startCPU = threadCPUNanos()
            let keys: KeyTable
            switch index % 5 {
            case 1:
                let hash = KeyHash(hashing: "sk-bench-added-\(index)")
                added.append(hash)
                keys = current.keys.inserting(VirtualKey(hash: hash, alias: "added-\(index)", teamID: "team-1", models: ["gpt-4o"]))
            case 3 where !added.isEmpty:
                keys = current.keys.removing(added.removeFirst())
            default:
                var key = current.keys[KeyHash(hashing: sample[index % sample.count])]!
                key.blocked.toggle()
                keys = current.keys.inserting(key)
            }
            holder.replace(with: current.replacing(keys: keys, generation: current.generation + 1, builtAt: Date()))
            keyNanos.append(nanos(clock.now - start))
            keyCPUNanos.append(threadCPUNanos() - startCPU)
        }
        // User changes copy the user map (up to 10,000 users here).
        let userIDs = Array(holder.snapshot.users.keys.prefix(200))
        for (index, id) in userIDs.enumerated() {
            let current = holder.snapshot
            let start = clock.now
            var users = current.users
            users[id] = User(id: id, models: ["m\(index)"])
            holder.replace(with: current.replacing(users: users, generation: current.generation + 1, builtAt: Date()))
            userNanos.append(nanos(clock.now - start))
        }
        let after = MemoryStatus.read()
        keyNanos.sort()
        keyCPUNanos.sort()
        userNanos.sort()
        return "key_change_p50=\(Measure.percentile(keyNanos, 0.5)) key_change_p99=\(Measure.percentile(keyNanos, 0.99))"
            + " key_change_cpu_p99=\(Measure.percentile(keyCPUNanos, 0.99))"
            + " user_change_p99=\(Measure.percentile(userNanos, 0.99)) rss_writes_kb=\(after.rssKB)"
    }

    private static func spawnWorker(keys: Int, groups: Int, smoke: Bool) throws -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["scale-worker", "--keys", String(keys), "--groups", String(groups)] + (smoke ? ["--smoke"] : [])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("scale worker (\(keys) keys, \(groups) groups) exited with \(process.terminationStatus)")
        }
        var fields: [String: String] = [:]
        for pair in String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }
}

/// This process's resident set, from /proc/self/status.
struct MemoryStatus {
    var rssKB = 0
    var peakKB = 0

    static func read() -> MemoryStatus {
        var status = MemoryStatus()
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return status }
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let value = Int(fields[1]) else { continue }
            if fields[0] == "VmRSS:" { status.rssKB = value }
            if fields[0] == "VmHWM:" { status.peakKB = value }
        }
        return status
    }
}
