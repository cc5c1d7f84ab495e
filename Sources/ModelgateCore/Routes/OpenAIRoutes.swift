/// OpenAI- and Anthropic-shaped endpoints, with or without `/v1` (CONTRACT §3): the model is
/// the top-level body or form `model`, plus query `model`, plus client-side fallbacks.
enum OpenAIRoutes: RouteRecognizer {
    static let families: Set<RouteFamily> = [.openAI, .anthropic]

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

    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute? {
        var rest = segments
        if rest.first?.decoded == "v1" { rest = rest.dropFirst() }
        guard (1...2).contains(rest.count) else { return nil }
        let endpoint = rest.map(\.decoded).joined(separator: "/")
        guard let (family, fields) = endpoints[endpoint] else { return nil }
        return RecognizedRoute(
            family: family, endpoint: "\(family.rawValue).\(endpoint)", bodyFields: fields, queryModel: true)
    }
}
