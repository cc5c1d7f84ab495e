/// Vertex AI publisher models:
/// `/{v1|v1beta1}/projects/{p}/locations/{l}/publishers/{pub}/models/{m}:{action}` and express
/// mode `/{v1|v1beta1}/publishers/{pub}/models/{m}:{action}`.
enum VertexAIRoutes: RouteRecognizer {
    static let families: RouteFamilies = [.vertexAI]

    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute? {
        guard segments.count >= 5, segments[at: 0].decoded == "v1" || segments[at: 0].decoded == "v1beta1" else { return nil }
        var rest = segments.dropFirst()
        if rest[at: 0].decoded == "projects" {
            guard rest.count >= 8, rest[at: 2].decoded == "locations" else { return nil }
            rest = rest.dropFirst(4)
        }
        guard rest.count >= 4, rest[at: 0].decoded == "publishers", rest[at: 2].decoded == "models",
              let (model, action) = ModelActionPath.split(rest.dropFirst(3))
        else { return nil }
        let publisher = rest[at: 1].decoded
        // AnthropicVertex counts tokens on a placeholder model; the real one is in the body.
        if model == "count-tokens", action == "rawPredict" {
            return RecognizedRoute(
                family: .vertexAI, endpoint: "vertex_ai.count-tokens", publisher: publisher, bodyFields: .modelOnly)
        }
        return RecognizedRoute(
            family: .vertexAI, endpoint: "vertex_ai.\(action)", pathModel: model, publisher: publisher)
    }
}
