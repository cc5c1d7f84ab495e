/// One provider route shape: recognises its paths among canonical segments (mount prefix
/// already removed) and says where the request names its models.
protocol RouteRecognizer {
    static var families: Set<RouteFamily> { get }
    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute?
}

extension ArraySlice where Element == PathSegment {
    /// Segment `offset` places from the start of the slice (slices keep their parent's indices).
    subscript(at offset: Int) -> PathSegment { self[startIndex + offset] }
}
