/// Percent-decoding, exactly once, of raw path segments and query components.
enum PercentDecoding {
    /// Decodes `%XX` escapes in `raw` once. Returns nil on a malformed escape.
    /// With `plusIsSpace` (query components, as form decoding does), `+` becomes a space.
    static func decode<C: Collection>(_ raw: C, plusIsSpace: Bool = false) -> [UInt8]? where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index != raw.endIndex {
            let byte = raw[index]
            if byte == UInt8(ascii: "%") {
                let first = raw.index(after: index)
                guard first != raw.endIndex else { return nil }
                let second = raw.index(after: first)
                guard second != raw.endIndex, let high = hexValue(raw[first]), let low = hexValue(raw[second]) else {
                    return nil
                }
                out.append(high << 4 | low)
                index = raw.index(after: second)
            } else {
                out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index = raw.index(after: index)
            }
        }
        return out
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
