import Crypto

/// SHA-256 of a virtual key: the only form in which keys are stored or compared.
public struct KeyHash: Hashable, Sendable, CustomStringConvertible {
    // Four words hash and compare faster than a 32-byte array.
    public let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// Hashes a raw key (`sk-…`).
    public init(hashing key: String) {
        self.init(hashing: key[...])
    }

    /// Hashes a raw key given as a slice of the header it came in.
    public init(hashing key: Substring) {
        let digest = key.utf8.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            ?? SHA256.hash(data: Array(key.utf8))
        // Big-endian words, read straight from the digest (no temporary array on the hot path).
        (w0, w1, w2, w3) = digest.withUnsafeBytes { raw in
            func word(_ i: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
            return (word(0), word(1), word(2), word(3))
        }
    }

    /// Parses 64 hex digits (as stored in the database).
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var words: [UInt64] = []
        for i in 0..<4 {
            var w: UInt64 = 0
            for c in utf8[(i * 16)..<(i * 16 + 16)] {
                guard let v = PercentDecoding.hexValue(c) else { return nil }
                w = (w << 4) | UInt64(v)
            }
            words.append(w)
        }
        (w0, w1, w2, w3) = (words[0], words[1], words[2], words[3])
    }

    /// Lower-case hex, 64 digits.
    public var hex: String {
        [w0, w1, w2, w3].map { word in
            let s = String(word, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }.joined()
    }

    public var description: String { hex }
}
