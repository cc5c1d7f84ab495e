/// Why a request target cannot be read one way only (→ `ambiguous_path`).
public enum PathProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case notAbsolute
    case emptySegment
    case dotSegment
    case badPercentEncoding
    case invalidUTF8
    case forbiddenCharacter(String)
    case encodedSlash
    case fragment
    case repeatedQueryParameter(String)
    case tooManyParameters(Int)
    case conflictingRoutes

    public var description: String {
        switch self {
        case .notAbsolute: return "the path does not start with '/'"
        case .emptySegment: return "the path has an empty segment ('//' or a trailing '/')"
        case .dotSegment: return "the path has a '.' or '..' segment"
        case .badPercentEncoding: return "the path or query has a malformed percent-escape"
        case .invalidUTF8: return "the path or query is not valid UTF-8 once decoded"
        case .forbiddenCharacter(let what): return "the path holds \(what)"
        case .encodedSlash: return "the path has an encoded '/' outside a Bedrock model id"
        case .fragment: return "the request target holds '#'"
        case .repeatedQueryParameter(let name): return "the query parameter '\(name)' appears more than once"
        case .tooManyParameters(let cap): return "the query or form has more than \(cap) parameters"
        case .conflictingRoutes: return "the path reads as two different routes"
        }
    }
}
