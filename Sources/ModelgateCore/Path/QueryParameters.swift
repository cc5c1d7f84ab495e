/// Query parameters decoded once, each name at most once (a repeated name is ambiguous:
/// frameworks disagree on whether the first or the last one wins).
///
/// Parsing is linear in the input: repeats are found by hashing once a query holds more than a
/// few parameters, and more than `maxParameters` parameters are refused (the same parser reads
/// urlencoded form bodies, up to `max_body_bytes`).
public struct QueryParameters: Sendable, Equatable {
    /// More parameters than this are refused (`ambiguous_path` in a query, `malformed_body` in a form).
    public static let maxParameters = 10_000
    /// Up to this many parameters, names are compared directly (no table to allocate).
    static let linearLimit = 8

    public private(set) var pairs: [(name: String, value: String)]
    /// Name → index into `pairs`, built once there are more than `linearLimit` of them.
    private var index: [String: Int] = [:]

    public init() { pairs = [] }

    public subscript(name: String) -> String? {
        if pairs.count > Self.linearLimit { return index[name].map { pairs[$0].value } }
        for pair in pairs where pair.name == name { return pair.value }
        return nil
    }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Adds a pair; false when the name is already present.
    private mutating func insert(name: String, value: String) -> Bool {
        if pairs.count < Self.linearLimit {
            for pair in pairs where pair.name == name { return false }
        } else {
            if pairs.count == Self.linearLimit {
                index.reserveCapacity(2 * Self.linearLimit)
                for (offset, pair) in pairs.enumerated() { index[pair.name] = offset }
            }
            guard index.updateValue(pairs.count, forKey: name) == nil else { return false }
        }
        pairs.append((name: name, value: value))
        return true
    }

    /// Parses `a=1&b=2` (empty pieces between `&` are skipped; `+` reads as a space).
    public static func parse(_ raw: Substring) -> Result<QueryParameters, PathProblem> {
        var parameters = QueryParameters()
        // Bytes, not Characters: "&\u{301}" or "=\u{301}" is one grapheme but still a separator
        // to every other parser.
        for pieceBytes in raw.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if parameters.pairs.count == maxParameters { return .failure(.tooManyParameters(maxParameters)) }
            let piece = Substring(pieceBytes)
            let equals = piece.utf8.firstIndex(of: UInt8(ascii: "="))
            let rawName = equals.map { piece[..<$0] } ?? piece
            let rawValue = equals.map { piece[piece.utf8.index(after: $0)...] } ?? ""
            guard let nameBytes = PercentDecoding.decode(rawName.utf8, plusIsSpace: true),
                  let valueBytes = PercentDecoding.decode(rawValue.utf8, plusIsSpace: true)
            else { return .failure(.badPercentEncoding) }
            guard let name = String(validating: nameBytes, as: UTF8.self),
                  let value = String(validating: valueBytes, as: UTF8.self)
            else { return .failure(.invalidUTF8) }
            if !parameters.insert(name: name, value: value) { return .failure(.repeatedQueryParameter(name)) }
        }
        return .success(parameters)
    }
}
