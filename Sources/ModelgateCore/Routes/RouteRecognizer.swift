/// One provider route shape: recognises its paths among canonical segments (mount prefix
/// already removed) and says where the request names its models.
protocol RouteRecognizer: SendableMetatype {
    static var families: RouteFamilies { get }
    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute?
}

extension ArraySlice where Element == PathSegment {
    /// Segment `offset` places from the start of the slice (slices keep their parent's indices).
    subscript(at offset: Int) -> PathSegment { self[startIndex + offset] }
}

/// A set of route families as bits: the route table tests and intersects these for every
/// recognizer and mount prefix of every check, where a `Set` would hash each time.
struct RouteFamilies: OptionSet, Sendable {
    let rawValue: UInt8

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ family: RouteFamily) {
        switch family {
        case .openAI: rawValue = 1 << 0
        case .anthropic: rawValue = 1 << 1
        case .azure: rawValue = 1 << 2
        case .googleAIStudio: rawValue = 1 << 3
        case .vertexAI: rawValue = 1 << 4
        case .bedrock: rawValue = 1 << 5
        }
    }

    static let openAI = RouteFamilies(.openAI)
    static let anthropic = RouteFamilies(.anthropic)
    static let azure = RouteFamilies(.azure)
    static let googleAIStudio = RouteFamilies(.googleAIStudio)
    static let vertexAI = RouteFamilies(.vertexAI)
    static let bedrock = RouteFamilies(.bedrock)
    static let all = RouteFamilies(RouteFamily.allCases.map(RouteFamilies.init))

    func contains(_ family: RouteFamily) -> Bool { contains(RouteFamilies(family)) }
}
