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
        #expect(table.values.map(\.alias) == keys.map(\.alias))
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

    @Test func aRepeatedHashKeepsTheLaterKeyInTheFirstPlace() {
        let hash = KeyHash(hashing: "sk-twice")
        let table = KeyTable([
            VirtualKey(hash: hash, alias: "first", models: ["a"]),
            VirtualKey(hash: KeyHash(hashing: "sk-other"), alias: "other"),
            VirtualKey(hash: hash, alias: "second", models: ["b"], blocked: true),
        ])
        #expect(table.count == 2)
        #expect(table[hash]?.alias == "second")
        #expect(table[hash]?.blocked == true)
        #expect(table.values.map(\.alias) == ["second", "other"])
    }

    @Test func anEmptyTableFindsNothing() {
        let table = KeyTable([])
        #expect(table.isEmpty)
        #expect(table[KeyHash(hashing: "sk-anything")] == nil)
    }
}
