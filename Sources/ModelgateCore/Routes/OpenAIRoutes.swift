/// OpenAI- and Anthropic-shaped endpoints, with or without `/v1` (CONTRACT §3): the model is
/// the top-level body or form `model`, plus query `model`, plus the other fields that name models
/// (`BodyModelFields`). Also LiteLLM's `/engines/{model}/…`, where the path names the model, and
/// files and batches, whose `target_model_names` do.
enum OpenAIRoutes: RouteRecognizer {
    static let families: RouteFamilies = [.openAI, .anthropic]

    /// Endpoint path (joined segments after the optional `v1`) → family and body fields.
    private static let endpoints: [String: (RouteFamily, BodyModelFields)] = [
        "chat/completions": (.openAI, .standard),
        "completions": (.openAI, .standard),
        "embeddings": (.openAI, .standard),
        "responses": (.openAI, .responses),
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
        "files": (.openAI, .files),
        "batches": (.openAI, .files),
    ]

    /// LiteLLM's `/engines/{model:path}/{endpoint}` (no `/v1`): Starlette matches them in this
    /// order on the whole path, so `/engines/a/chat/completions` is chat with model `a`, and
    /// `/engines/chat/completions` is completions with model `chat`.
    private static let engineEndpoints: [(segments: [String], name: String)] = [
        (["chat", "completions"], "openai.engines/chat/completions"),
        (["completions"], "openai.engines/completions"),
        (["embeddings"], "openai.engines/embeddings"),
    ]

    /// `endpoints` split into segments with the route's endpoint name, so that a check compares
    /// segments in place instead of joining them and builds no name.
    private static let table: [(segments: [String], family: RouteFamily, fields: BodyModelFields, name: String)] =
        endpoints.map { path, entry in
            (path.split(separator: "/").map(String.init), entry.0, entry.1, "\(entry.0.rawValue).\(path)")
        }

    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute? {
        if segments.first?.decoded == "engines" { return engine(segments.dropFirst()) }
        var rest = segments
        if rest.first?.decoded == "v1" { rest = rest.dropFirst() }
        guard (1...2).contains(rest.count) else { return nil }
        for entry in table where entry.segments.elementsEqual(rest, by: { $0 == $1.decoded }) {
            return RecognizedRoute(family: entry.family, endpoint: entry.name, bodyFields: entry.fields, queryModel: true)
        }
        return nil
    }

    /// `{model…}/{endpoint}`: the model is every segment before the endpoint, joined with `/`
    /// (a decoded `/` inside a segment is refused by the route table: Starlette would split there).
    private static func engine(_ rest: ArraySlice<PathSegment>) -> RecognizedRoute? {
        for entry in engineEndpoints where rest.count > entry.segments.count {
            let endpoint = rest.suffix(entry.segments.count)
            guard entry.segments.elementsEqual(endpoint, by: { $0 == $1.decoded }) else { continue }
            let model = rest.dropLast(entry.segments.count).map(\.decoded).joined(separator: "/")
            return RecognizedRoute(family: .openAI, endpoint: entry.name, pathModel: model, bodyFields: .standard, queryModel: true)
        }
        return nil
    }
}
