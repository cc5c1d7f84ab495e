/// OpenAI- and Anthropic-shaped endpoints, with or without `/v1` (CONTRACT §3): the model is
/// the top-level body or form `model`, plus query `model`, plus client-side fallbacks.
enum OpenAIRoutes: RouteRecognizer {
    static let families: RouteFamilies = [.openAI, .anthropic]

    /// Endpoint path (joined segments after the optional `v1`) → family and body fields.
    private static let endpoints: [String: (RouteFamily, BodyModelFields)] = [
        "chat/completions": (.openAI, .standard),
        "completions": (.openAI, .standard),
        "embeddings": (.openAI, .standard),
        "responses": (.openAI, .standard),
        "images/generations": (.openAI, .standard),
        "images/edits": (.openAI, .standard),
        "images/variations": (.openAI, .standard),
        "audio/speech": (.openAI, .standard),
        "audio/transcriptions": (.openAI, .standard),
        "audio/translations": (.openAI, .standard),
        "moderations": (.openAI, .standard),
        "rerank": (.openAI, .standard),
        "realtime": (.openAI, .standard),
        "realtime/client_secrets": (.openAI, .realtimeSession),
        "realtime/calls": (.openAI, .realtimeSession),
        "messages": (.anthropic, .standard),
        "messages/count_tokens": (.anthropic, .standard),
    ]

    /// `endpoints` split into segments with the route's endpoint name, so that a check compares
    /// segments in place instead of joining them and builds no name.
    private static let table: [(segments: [String], family: RouteFamily, fields: BodyModelFields, name: String)] =
        endpoints.map { path, entry in
            (path.split(separator: "/").map(String.init), entry.0, entry.1, "\(entry.0.rawValue).\(path)")
        }

    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute? {
        var rest = segments
        if rest.first?.decoded == "v1" { rest = rest.dropFirst() }
        guard (1...2).contains(rest.count) else { return nil }
        for entry in table where entry.segments.elementsEqual(rest, by: { $0 == $1.decoded }) {
            return RecognizedRoute(family: entry.family, endpoint: entry.name, bodyFields: entry.fields, queryModel: true)
        }
        return nil
    }
}
