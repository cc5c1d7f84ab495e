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

    /// Splits `rawTarget` at the first `?` and canonicalises both halves.
    public static func parse(_ rawTarget: String) -> Result<CanonicalPath, PathProblem> {
        let target = Substring(rawTarget)
        if target.utf8.contains(UInt8(ascii: "#")) { return .failure(.fragment) }
        let questionMark = target.utf8.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = questionMark.map { target[..<$0] } ?? target
        let rawQuery = questionMark.map { target[target.utf8.index(after: $0)...] } ?? ""

        guard rawPath.utf8.first == UInt8(ascii: "/") else { return .failure(.notAbsolute) }
        var segments: [PathSegment] = []
        // Split on the byte '/': a Character split would glue "/\u{301}" (slash + combining
        // mark, one grapheme) into its neighbours, where every proxy sees a separator.
        for rawBytes in rawPath.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            switch segment(Substring(rawBytes)) {
            case .success(let segment): segments.append(segment)
            case .failure(let problem): return .failure(problem)
            }
        }
        switch QueryParameters.parse(rawQuery) {
        case .success(let query): return .success(CanonicalPath(segments: segments, query: query))
        case .failure(let problem): return .failure(problem)
        }
    }

    private static func segment(_ raw: Substring) -> Result<PathSegment, PathProblem> {
        if raw.isEmpty { return .failure(.emptySegment) }
        guard let bytes = PercentDecoding.decode(raw.utf8) else { return .failure(.badPercentEncoding) }
        if let problem = forbiddenByte(in: bytes) { return .failure(problem) }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { return .failure(.invalidUTF8) }
        if decoded == "." || decoded == ".." { return .failure(.dotSegment) }
        return .success(PathSegment(decoded: decoded, raw: raw, hasEncodedSlash: bytes.contains(UInt8(ascii: "/"))))
    }

    /// `;`, `\`, NUL and control characters, raw or decoded: servers disagree on all of them.
    static func forbiddenByte(in bytes: [UInt8]) -> PathProblem? {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: ";"): return .forbiddenCharacter("';'")
            case UInt8(ascii: "\\"): return .forbiddenCharacter("a backslash")
            case UInt8(ascii: "#"): return .forbiddenCharacter("'#'")
            case 0: return .forbiddenCharacter("a NUL byte")
            case 1..<0x20, 0x7F: return .forbiddenCharacter("a control character")
            default: continue
            }
        }
        return nil
    }
}
