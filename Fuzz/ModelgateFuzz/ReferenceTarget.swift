/// An independent, deliberately plain reading of CONTRACT §3 "Canonical path", written from
/// the contract text rather than from `CanonicalPath`, so the fuzzer can compare the two.
///
/// Slow on purpose (strings and arrays, no cleverness): it only has to be obviously right.
enum ReferenceTarget {
    struct Parsed: Equatable {
        var segments: [String]
        var encodedSlash: [Bool]
        var query: [String: String]
        var queryOrder: [String]
    }

    /// nil when the contract calls the target ambiguous.
    static func parse(_ target: String) -> Parsed? {
        let bytes = Array(target.utf8)
        if bytes.contains(UInt8(ascii: "#")) { return nil }
        let cut = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.count
        let path = Array(bytes[..<cut])
        let query = cut < bytes.count ? Array(bytes[(cut + 1)...]) : []
        guard path.first == UInt8(ascii: "/") else { return nil }

        var segments: [String] = []
        var slashes: [Bool] = []
        for raw in split(Array(path.dropFirst()), on: UInt8(ascii: "/")) {
            guard !raw.isEmpty, let decoded = percentDecode(raw, plusIsSpace: false) else { return nil }
            for byte in decoded {
                if byte < 0x20 || byte == 0x7F { return nil }
                if byte == UInt8(ascii: ";") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "#") { return nil }
            }
            guard let text = String(validating: decoded, as: UTF8.self) else { return nil }
            if text == "." || text == ".." { return nil }
            segments.append(text)
            slashes.append(decoded.contains(UInt8(ascii: "/")))
        }

        var parameters: [String: String] = [:]
        var order: [String] = []
        for piece in split(query, on: UInt8(ascii: "&")) where !piece.isEmpty {
            let equals = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.count
            let rawName = Array(piece[..<equals])
            let rawValue = equals < piece.count ? Array(piece[(equals + 1)...]) : []
            guard let name = percentDecode(rawName, plusIsSpace: true).flatMap({ String(validating: $0, as: UTF8.self) }),
                  let value = percentDecode(rawValue, plusIsSpace: true).flatMap({ String(validating: $0, as: UTF8.self) })
            else { return nil }
            // Compare names byte-wise: two spellings of one name are one name to every framework.
            if order.contains(where: { $0.utf8.elementsEqual(name.utf8) }) { return nil }
            parameters[name] = value
            order.append(name)
        }
        return Parsed(segments: segments, encodedSlash: slashes, query: parameters, queryOrder: order)
    }

    static func split(_ bytes: [UInt8], on separator: UInt8) -> [[UInt8]] {
        var pieces: [[UInt8]] = [[]]
        for byte in bytes {
            if byte == separator { pieces.append([]) } else { pieces[pieces.count - 1].append(byte) }
        }
        return pieces
    }

    static func percentDecode(_ raw: [UInt8], plusIsSpace: Bool) -> [UInt8]? {
        let hex = Array("0123456789abcdefABCDEF".utf8)
        func value(_ c: UInt8) -> UInt8? {
            guard let index = hex.firstIndex(of: c) else { return nil }
            return UInt8(index < 16 ? index : index - 6)
        }
        var out: [UInt8] = []
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "%") {
                guard i + 2 < raw.count, let high = value(raw[i + 1]), let low = value(raw[i + 2]) else { return nil }
                out.append(high * 16 + low)
                i += 3
            } else {
                out.append(plusIsSpace && raw[i] == UInt8(ascii: "+") ? UInt8(ascii: " ") : raw[i])
                i += 1
            }
        }
        return out
    }

    /// Percent-encodes a decoded segment so that it reads back as itself (RFC 3986 unreserved
    /// characters and sub-delims stay literal).
    static func encodeSegment(_ text: String) -> String {
        let keep = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@".utf8)
        var out = ""
        for byte in text.utf8 {
            if keep.contains(byte) { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += "%" + hexByte(byte) }
        }
        return out
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
