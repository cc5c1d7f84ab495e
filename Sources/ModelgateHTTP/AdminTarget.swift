/// The admin API's view of a request target: path decoded once, query as decoded pairs.
///
/// Admin routes follow LiteLLM (FastAPI), which decodes the path and reads `+` in the query as
/// a space; `/credentials/my%20cred` names the credential `my cred`.
enum AdminTarget {
    /// The path percent-decoded once; left as sent when its encoding is invalid (the admin API
    /// then finds no route for it).
    static func decodePath(_ raw: Substring) -> String {
        percentDecode(raw, plusIsSpace: false) ?? String(raw)
    }

    /// `a=1&b=x+y` → `[("a","1"),("b","x y")]`, in order, repeats kept; a pair with invalid
    /// encoding is kept raw.
    static func decodeQuery(_ raw: Substring?) -> [(String, String)] {
        guard let raw, !raw.isEmpty else { return [] }
        return raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let name: Substring
            let value: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                name = pair
                value = ""
            }
            return (percentDecode(name, plusIsSpace: true) ?? String(name),
                    percentDecode(value, plusIsSpace: true) ?? String(value))
        }
    }

    /// Percent-decodes once; nil on a bad escape or a result that is not UTF-8.
    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
