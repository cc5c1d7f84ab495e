/// A snapshot's virtual keys by hash, kept compact: 100k keys must fit in a small sidecar.
///
/// A `Dictionary<KeyHash, VirtualKey>` reserves a key and a value slot (168 bytes) in every
/// bucket and keeps at least a quarter of them empty. Here the keys sit in one array and an
/// open-addressing table of 4-byte positions finds them. A `KeyHash` is SHA-256 output, so
/// lookups of client-chosen keys cannot lengthen a probe beyond the clusters the stored keys
/// form (the table is at most half full); the slot index folds all four words, so stored
/// tokens that are not uniform (see `spread`) do not cluster either. Keys with equal allowlists (or tag lists) share one
/// array (the keys of a team usually list the same models), so each repeated list costs
/// nothing, and the arrays the keys were built from can all be freed.
public struct KeyTable: Sendable {
    private var keys: [VirtualKey] = []
    /// Position in `keys` plus one; 0 marks an empty slot. Length a power of two.
    private var slots: [Int32]

    /// On a repeated hash the later key wins.
    public init(_ keys: [VirtualKey]) {
        var size = 16
        while size < keys.count * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        self.keys.reserveCapacity(keys.count)
        var lists: [[String]: [String]] = [:]
        func shared(_ list: [String]) -> [String] {
            if list.isEmpty { return [] }
            if let existing = lists[list] { return existing }
            lists[list] = list
            return list
        }
        for var key in keys {
            key.models = shared(key.models)
            key.tags = shared(key.tags)
            let (slot, position) = find(key.hash)
            if let position {
                self.keys[position] = key
            } else {
                self.keys.append(key)
                slots[slot] = Int32(self.keys.count)
            }
        }
    }

    public subscript(hash: KeyHash) -> VirtualKey? {
        find(hash).position.map { keys[$0] }
    }

    public var count: Int { keys.count }

    public var isEmpty: Bool { keys.isEmpty }

    /// Every key, in the order first given.
    public var values: [VirtualKey] { keys }

    /// The key's position, or the empty slot where it would go.
    private func find(_ hash: KeyHash) -> (slot: Int, position: Int?) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.spread(hash)) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return (slot, nil) }
            if keys[entry - 1].hash == hash { return (slot, entry - 1) }
            slot = (slot + 1) & mask
        }
    }

    /// The most slots any stored key's lookup visits (1 when every key sits in its home slot).
    var longestProbe: Int {
        let mask = slots.count - 1
        return keys.map { key in
            var slot = Int(truncatingIfNeeded: Self.spread(key.hash)) & mask
            var visited = 1
            while keys[Int(slots[slot]) - 1].hash != key.hash {
                slot = (slot + 1) & mask
                visited += 1
            }
            return visited
        }.max() ?? 0
    }

    /// The slot index of a hash. A token that is a real SHA-256 is uniform in every word, but a
    /// token written into the database by other means need not be (`printf('%064x', n)` puts
    /// all the difference in the last word): folding all four words with a multiplier keeps
    /// the probes short for those too, at the cost of a few instructions.
    private static func spread(_ hash: KeyHash) -> UInt64 {
        let folded = hash.w0 ^ (hash.w1 &* 0x9E37_79B9_7F4A_7C15) ^ (hash.w2 &* 0xC2B2_AE3D_27D4_EB4F) ^ (hash.w3 &* 0x1656_67B1_9E37_79F9)
        let mixed = (folded ^ (folded >> 31)) &* 0xBF58_476D_1CE4_E5B9
        return mixed ^ (mixed >> 32)
    }
}
