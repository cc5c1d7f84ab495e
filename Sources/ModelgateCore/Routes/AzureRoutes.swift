/// Azure OpenAI: `/openai/deployments/{deployment}/…` and `/openai/realtime?deployment=…`.
/// The deployment in the path (or query) is what Azure serves; a body `model` is informational.
enum AzureRoutes: RouteRecognizer {
    static let families: RouteFamilies = [.azure]

    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute? {
        guard segments.count >= 2, segments[at: 0].decoded == "openai" else { return nil }
        if segments[at: 1].decoded == "deployments" {
            guard segments.count >= 4 else { return nil }
            let operation = segments.dropFirst(3).map(\.decoded).joined(separator: "/")
            return RecognizedRoute(
                family: .azure, endpoint: "azure.\(operation)", pathModel: segments[at: 2].decoded)
        }
        if segments.count == 2, segments[at: 1].decoded == "realtime", let deployment = query["deployment"] {
            return RecognizedRoute(
                family: .azure, endpoint: "azure.realtime", pathModel: deployment, pathModelSource: .query)
        }
        return nil
    }
}
