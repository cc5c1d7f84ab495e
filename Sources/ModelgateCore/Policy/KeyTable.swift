/// A snapshot's virtual keys by hash, kept compact (100k keys must fit in a small sidecar) and
/// cheap to change one key at a time (an admin write must not copy 100k keys).
///
/// A `Dictionary<KeyHash, VirtualKey>` reserves a key and a value slot (168 bytes) in every
/// bucket and keeps at least a quarter of them empty, and changing one entry of a shared one
/// copies it whole. Here the keys are split by hash into shards of a few dozen; each shard keeps
/// its keys in one array and finds them through an open-addressing table of 4-byte positions.
/// Changing a key copies only its shard and the array of shard references (`inserting`,
/// `removing`); the other shards stay shared with the table it was derived from.
///
/// A `KeyHash` is SHA-256 output, so lookups of client-chosen keys cannot lengthen a probe
/// beyond the clusters the stored keys form (each shard is at most half full); the slot index
/// folds all four words, so stored tokens that are not uniform (see `spread`) do not cluster
/// either. Keys with equal allowlists (or tag lists) share one array (the keys of a team usually
/// list the same models), so each repeated list costs nothing.
public struct KeyTable: Sendable {
    private struct Shard: Sendable {
        var keys: [VirtualKey]
        /// Position in `keys` plus one; 0 marks an empty slot. Length a power of two, at least
        /// twice `keys.count`.
        var slots: [Int32]

        /// On a repeated hash the later key wins, in the earlier one's place.
        init(_ keys: [VirtualKey]) {
            var size = 4
            while size < keys.count * 2 { size <<= 1 }
            self.keys = keys
            slots = [Int32](repeating: 0, count: size)
            let mask = size - 1
            var repeated: [Int] = []
            for (position, key) in keys.enumerated() {
                var slot = Int(truncatingIfNeeded: KeyTable.spread(key.hash)) & mask
                while slots[slot] != 0, self.keys[Int(slots[slot]) - 1].hash != key.hash { slot = (slot + 1) & mask }
                if slots[slot] == 0 {
                    slots[slot] = Int32(position + 1)
                } else {
                    self.keys[Int(slots[slot]) - 1] = key
                    repeated.append(position)
                }
            }
            if !repeated.isEmpty {
                var kept = self.keys
                for position in repeated.reversed() { kept.remove(at: position) }
                self = Shard(kept)
            }
        }

        func position(of hash: KeyHash, spread: UInt64) -> Int? {
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: spread) & mask
            while true {
                let entry = Int(slots[slot])
                if entry == 0 { return nil }
                if keys[entry - 1].hash == hash { return entry - 1 }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Keys per shard a full build aims at; a table that grows past four times this through
    /// single inserts is rebuilt with more shards.
    private static let shardTarget = 32

    private var shards: [Shard]
    /// `shards.count - 1`; the shard is chosen by the upper half of `spread`, the slot by the
    /// lower.
    private var shardMask: Int
    public private(set) var count: Int

    /// On a repeated hash the later key wins.
    public init(_ keys: [VirtualKey]) {
        var shardCount = 1
        while shardCount * Self.shardTarget < keys.count { shardCount <<= 1 }
        self.init(keys, shardCount: shardCount)
    }

    private init(_ keys: [VirtualKey], shardCount: Int) {
        let mask = shardCount - 1
        var sizes = [Int](repeating: 0, count: shardCount)
        for key in keys { sizes[Self.shardIndex(Self.spread(key.hash), mask: mask)] += 1 }
        var grouped = sizes.map { size in
            var keys: [VirtualKey] = []
            keys.reserveCapacity(size)
            return keys
        }
        var lists: [[String]: [String]] = [:]
        for var key in keys {
            key.models = Self.shared(key.models, in: &lists)
            key.tags = Self.shared(key.tags, in: &lists)
            grouped[Self.shardIndex(Self.spread(key.hash), mask: mask)].append(key)
        }
        shards = grouped.map(Shard.init)
        shardMask = mask
        count = shards.reduce(0) { $0 + $1.keys.count }
    }

    public subscript(hash: KeyHash) -> VirtualKey? {
        let spread = Self.spread(hash)
        let shard = shards[Self.shardIndex(spread, mask: shardMask)]
        return shard.position(of: hash, spread: spread).map { shard.keys[$0] }
    }

    public var isEmpty: Bool { count == 0 }

    /// Every key, in no particular order.
    public var values: [VirtualKey] { shards.flatMap(\.keys) }

    /// This table with `key` added, or replacing the key of the same hash. Copies one shard.
    public func inserting(_ key: VirtualKey) -> KeyTable {
        var table = self
        var key = key
        let spread = Self.spread(key.hash)
        let index = Self.shardIndex(spread, mask: shardMask)
        var keys = shards[index].keys
        if let position = shards[index].position(of: key.hash, spread: spread) {
            // An update usually keeps the lists: keep sharing them.
            if keys[position].models == key.models { key.models = keys[position].models }
            if keys[position].tags == key.tags { key.tags = keys[position].tags }
            keys[position] = key
            table.shards[index].keys = keys
            return table
        }
        keys.append(key)
        table.count += 1
        if table.count > (table.shardMask + 1) * Self.shardTarget * 4 {
            table.shards[index].keys = keys
            return KeyTable(table.values, shardCount: (table.shardMask + 1) * 4)
        }
        table.shards[index] = Shard(keys)
        return table
    }

    /// This table without the key of `hash` (itself when there is none). Copies one shard.
    public func removing(_ hash: KeyHash) -> KeyTable {
        let spread = Self.spread(hash)
        let index = Self.shardIndex(spread, mask: shardMask)
        guard let position = shards[index].position(of: hash, spread: spread) else { return self }
        var table = self
        var keys = shards[index].keys
        keys.remove(at: position)
        table.shards[index] = Shard(keys)
        table.count -= 1
        return table
    }

    /// The most slots any stored key's lookup visits (1 when every key sits in its home slot).
    var longestProbe: Int {
        shards.map { shard in
            let mask = shard.slots.count - 1
            return shard.keys.map { key in
                var slot = Int(truncatingIfNeeded: Self.spread(key.hash)) & mask
                var visited = 1
                while shard.keys[Int(shard.slots[slot]) - 1].hash != key.hash {
                    slot = (slot + 1) & mask
                    visited += 1
                }
                return visited
            }.max() ?? 0
        }.max() ?? 0
    }

    /// The most keys in one shard.
    var largestShard: Int { shards.map(\.keys.count).max() ?? 0 }

    private static func shared(_ list: [String], in lists: inout [[String]: [String]]) -> [String] {
        if list.isEmpty { return [] }
        if let existing = lists[list] { return existing }
        lists[list] = list
        return list
    }

    private static func shardIndex(_ spread: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: spread >> 32) & mask
    }

    /// The slot index of a hash. A token that is a real SHA-256 is uniform in every word, but a
    /// token written into the database by other means need not be (`printf('%064x', n)` puts
    /// all the difference in the last word): folding all four words with a multiplier keeps
    /// the probes short for those too, at the cost of a few instructions.
    fileprivate static func spread(_ hash: KeyHash) -> UInt64 {
        let folded = hash.w0 ^ (hash.w1 &* 0x9E37_79B9_7F4A_7C15) ^ (hash.w2 &* 0xC2B2_AE3D_27D4_EB4F) ^ (hash.w3 &* 0x1656_67B1_9E37_79F9)
        let mixed = (folded ^ (folded >> 31)) &* 0xBF58_476D_1CE4_E5B9
        return mixed ^ (mixed >> 32)
    }
}
