/// Percent-decoding, exactly once, of raw path segments and query components.
enum PercentDecoding {
    /// Decodes `%XX` escapes in `raw` once. Returns nil on a malformed escape.
    /// With `plusIsSpace` (query components, as form decoding does), `+` becomes a space.
    static func decode<C: Collection>(_ raw: C, plusIsSpace: Bool = false) -> [UInt8]? where C.Element == UInt8 {
        // Contiguous input (every caller's) is decoded pointer to pointer: no per-byte append.
        if let decoded = raw.withContiguousStorageIfAvailable({ decode($0, plusIsSpace: plusIsSpace) }) {
            return decoded
        }
        return Array(raw).withUnsafeBufferPointer { decode($0, plusIsSpace: plusIsSpace) }
    }

    private static func decode(_ raw: UnsafeBufferPointer<UInt8>, plusIsSpace: Bool) -> [UInt8]? {
        var malformed = false
        let out = [UInt8](unsafeUninitializedCapacity: raw.count) { buffer, written in
            if let length = decode(raw, into: buffer, plusIsSpace: plusIsSpace) {
                written = length
            } else {
                malformed = true
                written = 0
            }
        }
        return malformed ? nil : out
    }

    /// Decodes `raw` into `buffer` (at least `raw.count` bytes) and returns the decoded length,
    /// or nil on a malformed escape.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>, plusIsSpace: Bool) -> Int? {
        var index = 0
        var length = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < raw.count, let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2]) else {
                    return nil
                }
                buffer[length] = high << 4 | low
                index += 3
            } else {
                buffer[length] = plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte
                index += 1
            }
            length += 1
        }
        return length
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }
}
