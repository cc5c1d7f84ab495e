/// Query parameters decoded once, each name at most once (a repeated name is ambiguous:
/// frameworks disagree on whether the first or the last one wins).
public struct QueryParameters: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public init() { pairs = [] }

    public subscript(name: String) -> String? {
        for pair in pairs where pair.name == name { return pair.value }
        return nil
    }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Parses `a=1&b=2` (empty pieces between `&` are skipped; `+` reads as a space).
    public static func parse(_ raw: Substring) -> Result<QueryParameters, PathProblem> {
        var parameters = QueryParameters()
        // Bytes, not Characters: "&\u{301}" or "=\u{301}" is one grapheme but still a separator
        // to every other parser.
        for pieceBytes in raw.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
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
            if parameters[name] != nil { return .failure(.repeatedQueryParameter(name)) }
            parameters.pairs.append((name: name, value: value))
        }
        return .success(parameters)
    }
}
