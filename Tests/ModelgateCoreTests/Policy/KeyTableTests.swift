import Foundation
@testable import ModelgateCore
import Testing

/// The snapshot's compact key table answers exactly what a dictionary by hash would.
@Suite("Key table")
struct KeyTableTests {
    @Test func findsEveryKeyAndNoOther() {
        let keys = (0..<5_000).map { VirtualKey(hash: KeyHash(hashing: "sk-table-\($0)"), alias: "k\($0)", models: $0 % 2 == 0 ? ["a", "b"] : ["c"]) }
        let table = KeyTable(keys)
        #expect(table.count == 5_000)
        #expect(!table.isEmpty)
        for (index, key) in keys.enumerated() {
            let found = table[key.hash]
            #expect(found?.alias == "k\(index)")
            #expect(found?.models == (index % 2 == 0 ? ["a", "b"] : ["c"]))
        }
        for index in 0..<5_000 {
            #expect(table[KeyHash(hashing: "sk-missing-\(index)")] == nil)
        }
        #expect(Set(table.values.compactMap(\.alias)) == Set(keys.compactMap(\.alias)))
    }

    /// Tokens written into the database by other means than hashing a key (here the row number
    /// in hex, all the difference in the last word) must not pile up in one cluster.
    @Test func tokensThatAreNotUniformDoNotCluster() throws {
        let keys = try (1...20_000).map { number in
            VirtualKey(hash: try #require(KeyHash(hex: String(repeating: "0", count: 56) + String(format: "%08x", number))), alias: "k\(number)")
        }
        let table = KeyTable(keys)
        #expect(table.count == 20_000)
        #expect(table.longestProbe < 40, "longest probe \(table.longestProbe)")
        for key in keys.prefix(1_000) { #expect(table[key.hash]?.alias == key.alias) }
    }

    @Test func realHashesProbeShortly() {
        let table = KeyTable((0..<20_000).map { VirtualKey(hash: KeyHash(hashing: "sk-probe-\($0)"), alias: "k\($0)") })
        #expect(table.longestProbe < 40, "longest probe \(table.longestProbe)")
    }

    @Test func aRepeatedHashKeepsTheLaterKey() {
        let hash = KeyHash(hashing: "sk-twice")
        let table = KeyTable([
            VirtualKey(hash: hash, alias: "first", models: ["a"]),
            VirtualKey(hash: KeyHash(hashing: "sk-other"), alias: "other"),
            VirtualKey(hash: hash, alias: "second", models: ["b"], blocked: true),
        ])
        #expect(table.count == 2)
        #expect(table[hash]?.alias == "second")
        #expect(table[hash]?.blocked == true)
        #expect(Set(table.values.compactMap(\.alias)) == ["second", "other"])
    }

    @Test func anEmptyTableFindsNothing() {
        let table = KeyTable([])
        #expect(table.isEmpty)
        #expect(table[KeyHash(hashing: "sk-anything")] == nil)
    }

    /// Single inserts and removals (the admin-write path) answer exactly what a dictionary with
    /// the same operations answers, through growth past a reshard, and leave the table they
    /// came from unchanged (checks may still be reading it).
    @Test func singleChangesAgreeWithADictionary() {
        var generator = SystemRandomNumberGenerator()
        var table = KeyTable((0..<300).map { VirtualKey(hash: KeyHash(hashing: "sk-start-\($0)"), alias: "start\($0)") })
        var model: [KeyHash: String] = [:]
        for key in table.values { model[key.hash] = key.alias }
        let pool = (0..<2_000).map { KeyHash(hashing: "sk-pool-\($0)") } + Array(model.keys)
        for step in 0..<6_000 {
            let hash = pool.randomElement(using: &generator)!
            let before = table
            let beforeAlias = before[hash]?.alias
            if Int.random(in: 0..<3, using: &generator) == 0 {
                table = table.removing(hash)
                model[hash] = nil
            } else {
                table = table.inserting(VirtualKey(hash: hash, alias: "v\(step)", models: ["m\(step % 3)"]))
                model[hash] = "v\(step)"
            }
            #expect(before[hash]?.alias == beforeAlias)
            #expect(table[hash]?.alias == model[hash])
            #expect(table.count == model.count)
        }
        #expect(Dictionary(uniqueKeysWithValues: table.values.map { ($0.hash, $0.alias) }) == model)
        for hash in pool { #expect(table[hash]?.alias == model[hash]) }
        #expect(table.largestShard <= 32 * 8)
        #expect(table.longestProbe < 40, "longest probe \(table.longestProbe)")
    }

    @Test func anEmptyTableGrowsByInserts() {
        var table = KeyTable([])
        for index in 0..<1_000 { table = table.inserting(VirtualKey(hash: KeyHash(hashing: "sk-grow-\(index)"), alias: "g\(index)")) }
        #expect(table.count == 1_000)
        #expect(table.largestShard <= 32 * 8)
        for index in 0..<1_000 { #expect(table[KeyHash(hashing: "sk-grow-\(index)")]?.alias == "g\(index)") }
        #expect(table.removing(KeyHash(hashing: "sk-absent")).count == 1_000)
    }
}
