/// What a canonical path is, once every recognizer has looked at it.
public enum RouteMatch: Sendable, Equatable {
    /// A route that names models.
    case model(RecognizedRoute)
    /// A `modelless_routes` entry: a valid key is enough.
    case modelless(String)
    /// No recognizer knows it: denied, whatever the body says.
    case unknown
}

/// Runs every recognizer over the path, bare and under each mount prefix, and insists on
/// exactly one reading.
public enum RouteTable {
    static let recognizers: [any RouteRecognizer.Type] = [
        BedrockRoutes.self, VertexAIRoutes.self, GoogleAIStudioRoutes.self, AzureRoutes.self, OpenAIRoutes.self,
    ]

    public static func match(_ path: CanonicalPath, method: String, in snapshot: PolicySnapshot) -> Result<RouteMatch, PathProblem> {
        let all = path.segments[...]
        var readings = Readings()
        collect(all, families: nil, offset: 0, query: path.query, into: &readings)
        for (prefix, families) in zip(snapshot.mountPrefixSegments, snapshot.mountPrefixFamilies) {
            // `/openai/v1/…` and `/openai/responses` are Azure's own API (CONTRACT §3), not the
            // `/openai` passthrough's.
            if readings.first?.route.family == .azure, MountPrefix.requiresVersion(families) { continue }
            if let rest = MountPrefix.strip(prefix, from: all) {
                collect(rest, families: families, offset: prefix.count, query: path.query, into: &readings)
            }
        }
        // Two recognisers (or a mount and a bare reading) disagree: never guess.
        if readings.disagree { return .failure(.conflictingRoutes) }
        if let (route, offset) = readings.first {
            for (index, segment) in path.segments.enumerated() where segment.hasEncodedSlash {
                if route.slashAllowedSegment.map({ $0 + offset }) != index { return .failure(.encodedSlash) }
            }
            return .success(.model(route))
        }
        if path.segments.contains(where: \.hasEncodedSlash) { return .failure(.encodedSlash) }
        if let route = modelless(path, method: method, in: snapshot) { return .success(.modelless(route)) }
        return .success(.unknown)
    }

    /// The first reading of the path, and whether any later one differs from it (the only
    /// question asked of the others, so they are not kept: no array per check).
    private struct Readings {
        var first: (route: RecognizedRoute, offset: Int)?
        var disagree = false

        mutating func append(_ reading: (RecognizedRoute, Int)) {
            if let first {
                if first.route != reading.0 { disagree = true }
            } else {
                first = reading
            }
        }
    }

    private static func collect(
        _ segments: ArraySlice<PathSegment>, families: RouteFamilies?, offset: Int, query: QueryParameters,
        into readings: inout Readings
    ) {
        for recognizer in recognizers {
            if let families, recognizer.families.isDisjoint(with: families) { continue }
            if let route = recognizer.recognize(segments, query: query) {
                if let families, !families.contains(route.family) { continue }
                if let families, MountPrefix.requiresVersion(families), segments.first?.decoded != "v1" { continue }
                readings.append((route, offset))
            }
        }
    }

    /// `"GET /v1/models"`-style entries, matched on the decoded path, bare or under a mount.
    private static func modelless(_ path: CanonicalPath, method: String, in snapshot: PolicySnapshot) -> String? {
        let decoded = path.segments.map(\.decoded)
        for entry in snapshot.modellessRoutes where entry.method == method {
            let listed = entry.path.split(separator: "/", omittingEmptySubsequences: true)
            if decoded.elementsEqual(listed, by: { $0 == $1 }) { return "\(entry.method) \(entry.path)" }
            for prefix in snapshot.mountPrefixSegments where decoded.count == prefix.count + listed.count {
                if decoded.elementsEqual(prefix + listed, by: { $0 == $1 }) { return "\(entry.method) \(entry.path)" }
            }
        }
        return nil
    }
}
