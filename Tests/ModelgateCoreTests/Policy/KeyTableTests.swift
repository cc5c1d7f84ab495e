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
