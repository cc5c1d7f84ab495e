/// An object key as read from the body: the raw bytes when it had no escapes (no copy), else
/// the decoded bytes. Only lives while the scanner runs.
struct JSONKey: CustomStringConvertible {
    let bytes: UnsafeBufferPointer<UInt8>.SubSequence?
    let decoded: [UInt8]?

    static func ~= (pattern: StaticString, key: JSONKey) -> Bool { key == pattern }

    static func == (key: JSONKey, literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        if let bytes = key.bytes {
            guard bytes.count == count else { return false }
            var i = 0
            for byte in bytes {
                if byte != start[i] { return false }
                i += 1
            }
            return true
        }
        guard let decoded = key.decoded, decoded.count == count else { return false }
        for i in 0..<count where decoded[i] != start[i] { return false }
        return true
    }

    /// Equal to `literal` (lower-case ASCII) when ASCII letters are compared without case, but
    /// not equal to it exactly.
    func equalsIgnoringASCIICase(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        func compare<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
            guard bytes.count == count else { return false }
            var i = 0
            var exact = true
            for byte in bytes {
                let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                if lower != start[i] { return false }
                if byte != start[i] { exact = false }
                i += 1
            }
            return !exact
        }
        if let bytes { return compare(bytes) }
        return compare(decoded ?? [])
    }

    var text: String {
        if let bytes { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: decoded ?? [], as: UTF8.self)
    }

    var description: String { text }
}

// The word and vector scans below read the first byte from the lowest bits.
#if _endian(big)
#error("JSON string scanning assumes a little-endian target")
#endif

extension JSONBodyScanner {
    /// Reads a key string at `position`.
    mutating func readKey() throws(BodyProblem) -> JSONKey {
        guard peek() == UInt8(ascii: "\"") else { throw BodyProblem("expected a string key", at: position) }
        let start = position + 1
        let hadEscape = try skipString()
        if !hadEscape { return JSONKey(bytes: bytes[start..<(position - 1)], decoded: nil) }
        return JSONKey(bytes: nil, decoded: try decodeString(from: start - 1))
    }

    /// Reads and decodes a string value at `position`.
    mutating func readString() throws(BodyProblem) -> String {
        let start = position
        let hadEscape = try skipString()
        if !hadEscape { return String(decoding: bytes[(start + 1)..<(position - 1)], as: UTF8.self) }
        return String(decoding: try decodeString(from: start), as: UTF8.self)
    }

    /// Skips a string at `position` (its opening quote), validating escapes, control characters
    /// and UTF-8. Returns whether it held an escape.
    @discardableResult
    mutating func skipString() throws(BodyProblem) -> Bool {
        position += 1
        var hadEscape = false
        let count = bytes.count
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while true {
            // 32 bytes at a time (two vector registers), then 16, then eight (a word), while
            // none is '"', '\\', a control byte or non-ASCII; on one, jump straight to it.
            var found = false
            while position + 32 <= count {
                let low = Self.attention(base.loadUnaligned(fromByteOffset: position, as: SIMD16<UInt8>.self))
                let high = Self.attention(base.loadUnaligned(fromByteOffset: position + 16, as: SIMD16<UInt8>.self))
                let either = unsafeBitCast(low | high, to: SIMD2<UInt64>.self)
                if either[0] | either[1] != 0 {
                    position += Self.firstFlagged(low, high)
                    found = true
                    break
                }
                position += 32
            }
            if !found, position + 16 <= count {
                let flags = Self.attention(base.loadUnaligned(fromByteOffset: position, as: SIMD16<UInt8>.self))
                let words = unsafeBitCast(flags, to: SIMD2<UInt64>.self)
                if words[0] | words[1] != 0 {
                    position += Self.firstFlagged(flags, SIMD16(repeating: 0x80))
                    found = true
                } else {
                    position += 16
                }
            }
            if !found, position + 8 <= count {
                let mask = Self.attention(base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                position += mask != 0 ? mask.trailingZeroBitCount >> 3 : 8
            }
            guard position < count else { throw BodyProblem("a string is not terminated", at: position) }
            let byte = bytes[position]
            // The usual stops in text are handled here, without a call: a one-character escape
            // (`\\n`, `\\"`) and a valid two- or three-byte UTF-8 character. The switch below
            // takes everything else (and these too when they run into the end of the body).
            if position + 2 < count {
                let next = bytes[position + 1]
                if byte == UInt8(ascii: "\\") {
                    if Self.isShortEscape(next) {
                        hadEscape = true
                        position += 2
                        continue
                    }
                } else if byte >= 0xC2, byte <= 0xDF {
                    if next & 0xC0 == 0x80 {
                        position += 2
                        continue
                    }
                } else if byte >= 0xE0, byte <= 0xEF {
                    // As skipUTF8Sequence: no overlong (E0 A0..), no surrogate (ED ..9F).
                    let lower: UInt8 = byte == 0xE0 ? 0xA0 : 0x80
                    let upper: UInt8 = byte == 0xED ? 0x9F : 0xBF
                    if next >= lower, next <= upper, bytes[position + 2] & 0xC0 == 0x80 {
                        position += 3
                        continue
                    }
                }
            }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return hadEscape
            case UInt8(ascii: "\\"):
                hadEscape = true
                try skipEscape()
            case 0..<0x20:
                throw BodyProblem("a control character inside a string", at: position)
            case 0x80...:
                try skipUTF8Sequence()
            default:
                position += 1
            }
        }
    }

    /// Whether `\\` + `byte` is a whole escape: `"`, `\\`, `/`, `b`, `f`, `n`, `r`, `t` (a
    /// 128-bit set held in two words; `u` needs its four digits and goes the long way).
    @inline(__always)
    static func isShortEscape(_ byte: UInt8) -> Bool {
        let low: UInt64 = 1 << 0x22 | 1 << 0x2F  // '"' '/'
        let high: UInt64 = 1 << (0x5C - 64) | 1 << (0x62 - 64) | 1 << (0x66 - 64) | 1 << (0x6E - 64)
            | 1 << (0x72 - 64) | 1 << (0x74 - 64)  // '\\' 'b' 'f' 'n' 'r' 't'
        return byte < 128 && ((byte < 64 ? low : high) >> UInt64(byte & 63)) & 1 != 0
    }

    /// 0x80 in exactly the bytes of `bytes` that are '"', '\\', below 0x20 or at least 0x80, 0
    /// elsewhere. Lanes do not borrow from each other, so `byte - 1` has its top bit set only
    /// for 0 or for 0x81 and up, and `byte - 0x20` for a control byte or 0xA0 and up; a
    /// non-ASCII byte is flagged by its own top bit anyway. Plain lane arithmetic (no lane
    /// comparisons or reductions, which the compiler does not always turn into vector code).
    @inline(__always)
    static func attention(_ bytes: SIMD16<UInt8>) -> SIMD16<UInt8> {
        let quote = (bytes ^ SIMD16(repeating: 0x22)) &- SIMD16(repeating: 1)
        let backslash = (bytes ^ SIMD16(repeating: 0x5C)) &- SIMD16(repeating: 1)
        let control = bytes &- SIMD16(repeating: 0x20)
        return (quote | backslash | control | bytes) & SIMD16(repeating: 0x80)
    }

    /// Offset of the first flagged byte in `low` then `high` (one of them has one), read as
    /// little-endian words.
    @inline(__always)
    static func firstFlagged(_ low: SIMD16<UInt8>, _ high: SIMD16<UInt8>) -> Int {
        let first = unsafeBitCast(low, to: SIMD2<UInt64>.self)
        if first[0] != 0 { return first[0].trailingZeroBitCount >> 3 }
        if first[1] != 0 { return 8 + first[1].trailingZeroBitCount >> 3 }
        let second = unsafeBitCast(high, to: SIMD2<UInt64>.self)
        if second[0] != 0 { return 16 + second[0].trailingZeroBitCount >> 3 }
        return 24 + second[1].trailingZeroBitCount >> 3
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// 0x80 in the bytes of `word` (little-endian) that are '"', '\\', below 0x20 or at least
    /// 0x80 (SWAR). Bytes above a flagged one may be flagged falsely (borrows), never the lowest:
    /// its trailing zero count locates the first byte needing attention exactly.
    @inline(__always)
    static func attention(_ word: UInt64) -> UInt64 {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroInQuote = (quote &- ones) & ~quote
        let zeroInBackslash = (backslash &- ones) & ~backslash
        let control = (word &- (ones &* 0x20)) & ~word
        return (zeroInQuote | zeroInBackslash | control | word) & highs
    }

    private mutating func skipEscape() throws(BodyProblem) {
        guard position + 1 < bytes.count else { throw BodyProblem("a string is not terminated", at: position) }
        switch bytes[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            _ = try readUnicodeEscape()
        default:
            throw BodyProblem("an invalid escape in a string", at: position)
        }
    }

    /// Reads `\uXXXX` (and its low surrogate, if a high one) at `position`; returns the scalar.
    private mutating func readUnicodeEscape() throws(BodyProblem) -> Unicode.Scalar {
        let start = position
        let first = try readHex4()
        if (0xD800..<0xDC00).contains(first) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw BodyProblem("a lone surrogate escape", at: start)
            }
            let second = try readHex4()
            guard (0xDC00..<0xE000).contains(second) else { throw BodyProblem("a lone surrogate escape", at: start) }
            let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            return Unicode.Scalar(value)!
        }
        guard let scalar = Unicode.Scalar(first) else { throw BodyProblem("a lone surrogate escape", at: start) }
        return scalar
    }

    /// Reads `\uXXXX` at `position`.
    private mutating func readHex4() throws(BodyProblem) -> UInt32 {
        guard position + 6 <= bytes.count else { throw BodyProblem("a string is not terminated", at: position) }
        var value: UInt32 = 0
        for i in 2..<6 {
            guard let digit = PercentDecoding.hexValue(bytes[position + i]) else {
                throw BodyProblem("an invalid \\u escape", at: position)
            }
            value = value << 4 | UInt32(digit)
        }
        position += 6
        return value
    }

    /// Validates one multi-byte UTF-8 sequence at `position` (no overlongs, no surrogates,
    /// nothing past U+10FFFF).
    private mutating func skipUTF8Sequence() throws(BodyProblem) {
        let lead = bytes[position]
        let length: Int
        var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw BodyProblem("invalid UTF-8", at: position)
        }
        guard position + length <= bytes.count else { throw BodyProblem("invalid UTF-8", at: position) }
        let second = bytes[position + 1]
        guard second >= lower, second <= upper else { throw BodyProblem("invalid UTF-8", at: position) }
        for i in 2..<length where bytes[position + i] & 0xC0 != 0x80 {
            throw BodyProblem("invalid UTF-8", at: position)
        }
        position += length
    }

    /// Decodes the (already validated) string whose opening quote is at `start`.
    private func decodeString(from start: Int) throws(BodyProblem) -> [UInt8] {
        var copy = self
        copy.position = start + 1
        var out: [UInt8] = []
        while copy.position < bytes.count {
            let byte = bytes[copy.position]
            if byte == UInt8(ascii: "\"") { return out }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                copy.position += 1
                continue
            }
            let escaped = bytes[copy.position + 1]
            switch escaped {
            case UInt8(ascii: "u"): out.append(contentsOf: String(try copy.readUnicodeEscape()).utf8); continue
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            default: out.append(escaped)
            }
            copy.position += 2
        }
        throw BodyProblem("a string is not terminated", at: start)
    }
}
