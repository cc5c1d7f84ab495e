/// A snapshot's virtual keys by hash, kept compact: 100k keys must fit in a small sidecar.
///
/// A `Dictionary<KeyHash, VirtualKey>` reserves a key and a value slot (168 bytes) in every
/// bucket and keeps at least a quarter of them empty. Here the keys sit in one array and an
/// open-addressing table of 4-byte positions finds them. A `KeyHash` is SHA-256 output, so its
/// first word is already uniformly spread and serves as the table index without rehashing;
/// lookups of client-chosen keys cannot lengthen a probe beyond the clusters the stored keys
/// form (the table is at most half full). Keys with equal allowlists (or tag lists) share one
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
        var slot = Int(truncatingIfNeeded: hash.w0) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return (slot, nil) }
            if keys[entry - 1].hash == hash { return (slot, entry - 1) }
            slot = (slot + 1) & mask
        }
    }
}
