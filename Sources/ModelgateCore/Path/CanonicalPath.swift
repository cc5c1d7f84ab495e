#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One path segment: its decoded text, and whether decoding produced a `/` (from `%2F`).
public struct PathSegment: Sendable, Equatable {
    public var decoded: String
    /// The raw bytes before decoding; Bedrock ids keep them for exactness checks.
    public var raw: Substring
    public var hasEncodedSlash: Bool
}

/// The request target read one way only: segments split on literal `/`, each percent-decoded
/// exactly once, and the query decoded into unique parameters (CONTRACT §3 "Canonical path").
///
/// Anything that a proxy, the upstream or a framework could read differently is a `PathProblem`.
public struct CanonicalPath: Sendable {
    public var segments: [PathSegment]
    public var query: QueryParameters

    /// Splits `rawTarget` at the first `?` and canonicalises both halves; `query` is the query
    /// already parsed, when the caller has it (a check parses it once).
    public static func parse(_ rawTarget: String, query: Result<QueryParameters, PathProblem>? = nil) -> Result<CanonicalPath, PathProblem> {
        var target = rawTarget
        return target.withUTF8 { parse(rawTarget, bytes: $0, query: query) }
    }

    /// Works on the target's UTF-8 bytes: delimiters are bytes, as every server reads them (a
    /// Character split would not split before a combining mark), and byte offsets map back to
    /// `rawTarget` in constant time.
    private static func parse(_ rawTarget: String, bytes: UnsafeBufferPointer<UInt8>, query parsed: Result<QueryParameters, PathProblem>?) -> Result<CanonicalPath, PathProblem> {
        if find(UInt8(ascii: "#"), in: bytes, from: 0) != nil { return .failure(.fragment) }
        let pathEnd = find(UInt8(ascii: "?"), in: bytes, from: 0) ?? bytes.count
        guard pathEnd > 0, bytes[0] == UInt8(ascii: "/") else { return .failure(.notAbsolute) }
        let utf8 = rawTarget.utf8
        func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }

        var segments: [PathSegment] = []
        segments.reserveCapacity(8)
        var start = 1
        while true {
            // Empty segments are kept, so that `//` and a trailing `/` are seen.
            let end = min(find(UInt8(ascii: "/"), in: bytes, from: start) ?? pathEnd, pathEnd)
            let raw = rawTarget[index(start)..<index(end)]
            switch segment(raw, bytes: UnsafeBufferPointer(rebasing: bytes[start..<end])) {
            case .success(let segment): segments.append(segment)
            case .failure(let problem): return .failure(problem)
            }
            guard end < pathEnd else { break }
            start = end + 1
        }
        let query: Result<QueryParameters, PathProblem>
        if pathEnd < bytes.count {
            query = parsed ?? QueryParameters.parse(rawTarget[index(pathEnd + 1)...])
        } else {
            query = .success(QueryParameters())
        }
        switch query {
        case .success(let query): return .success(CanonicalPath(segments: segments, query: query))
        case .failure(let problem): return .failure(problem)
        }
    }

    /// Offset of the first `byte` at or after `start` (memchr, vectorised), or nil.
    private static func find(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
              let hit = memchr(base + start, Int32(byte), bytes.count - start)
        else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    private static func segment(_ raw: Substring, bytes: UnsafeBufferPointer<UInt8>) -> Result<PathSegment, PathProblem> {
        if bytes.isEmpty { return .failure(.emptySegment) }
        let decoded: String
        let hasEncodedSlash: Bool
        if find(UInt8(ascii: "%"), in: bytes, from: 0) != nil {
            if let ascii = decodedASCII(raw, bytes: bytes) { return ascii }
            guard let decodedBytes = PercentDecoding.decode(bytes) else { return .failure(.badPercentEncoding) }
            if let problem = forbiddenByte(in: decodedBytes) { return .failure(problem) }
            guard let text = String(validating: decodedBytes, as: UTF8.self) else { return .failure(.invalidUTF8) }
            decoded = text
            hasEncodedSlash = decodedBytes.contains(UInt8(ascii: "/"))
        } else {
            // Nothing to decode: the segment is its raw text, already valid UTF-8 (it came from a
            // String) and free of `/` (it was split on it).
            if let problem = forbiddenByte(in: bytes) { return .failure(problem) }
            decoded = String(raw)
            hasEncodedSlash = false
        }
        // Only a one- or two-byte text can equal "." or "..": most segments skip the comparison.
        if decoded.utf8.count <= 2, decoded == "." || decoded == ".." { return .failure(.dotSegment) }
        return .success(PathSegment(decoded: decoded, raw: raw, hasEncodedSlash: hasEncodedSlash))
    }

    /// An escaped segment decoded straight into its `String` when the result is ASCII (a boto3
    /// ARN, `%3A` and `%2F`): no intermediate byte array, and ASCII needs no validation. Nil
    /// when the decoded bytes are not all ASCII; then `segment` reads it the general way.
    private static func decodedASCII(_ raw: Substring, bytes: UnsafeBufferPointer<UInt8>) -> Result<PathSegment, PathProblem>? {
        var outcome: Result<Bool, PathProblem> = .success(false)
        var nonASCII = false
        let text = String(unsafeUninitializedCapacity: bytes.count) { buffer in
            guard let length = PercentDecoding.decode(bytes, into: buffer, plusIsSpace: false) else {
                outcome = .failure(.badPercentEncoding)
                return 0
            }
            let decoded = UnsafeBufferPointer(rebasing: buffer[..<length])
            var high: UInt8 = 0
            for byte in decoded { high |= byte }
            // Not ASCII: leave the buffer empty, so that no repaired text is ever kept.
            if high >= 0x80 { nonASCII = true; return 0 }
            if let problem = forbiddenByte(in: decoded) { outcome = .failure(problem); return 0 }
            outcome = .success(find(UInt8(ascii: "/"), in: decoded, from: 0) != nil)
            return length
        }
        if nonASCII { return nil }
        switch outcome {
        case .failure(let problem): return .failure(problem)
        case .success(let hasEncodedSlash):
            if text.utf8.count <= 2, text == "." || text == ".." { return .failure(.dotSegment) }
            return .success(PathSegment(decoded: text, raw: raw, hasEncodedSlash: hasEncodedSlash))
        }
    }

    /// `;`, `\`, NUL and control characters, raw or decoded: servers disagree on all of them.
    static func forbiddenByte(in bytes: UnsafeBufferPointer<UInt8>) -> PathProblem? {
        var index = 0
        // Eight bytes at a time while none can be forbidden (every segment of a real path).
        while index + 8 <= bytes.count, !mayBeForbidden(UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
            index += 8
        }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: ";"): return .forbiddenCharacter("';'")
            case UInt8(ascii: "\\"): return .forbiddenCharacter("a backslash")
            case UInt8(ascii: "#"): return .forbiddenCharacter("'#'")
            case 0: return .forbiddenCharacter("a NUL byte")
            case 1..<0x20, 0x7F: return .forbiddenCharacter("a control character")
            default: index += 1
            }
        }
        return nil
    }

    static func forbiddenByte(in bytes: [UInt8]) -> PathProblem? {
        bytes.withUnsafeBufferPointer { forbiddenByte(in: $0) }
    }

    /// False when none of the eight bytes is below 0x20, 0x7F, `;`, `\` or `#` (SWAR: a byte of
    /// `x ^ c` is zero where `x` holds `c`; true may be a false alarm, which the byte loop settles).
    @inline(__always)
    private static func mayBeForbidden(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        // Below 0x20: subtracting 0x20 borrows into the high bit (for bytes under 0x80).
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        return control || hasZero(word ^ (ones &* 0x7F)) || hasZero(word ^ (ones &* 0x3B))
            || hasZero(word ^ (ones &* 0x5C)) || hasZero(word ^ (ones &* 0x23))
    }
}
