/// Azure OpenAI (CONTRACT §3):
/// - `/openai/deployments/{deployment}/…` and `/openai/realtime?deployment=…`: the deployment in
///   the path (or query) is what Azure serves; a body `model` is informational;
/// - the deployment-less APIs, where the body `model` is the deployment: `/openai/responses`
///   (the AzureOpenAI SDK's `responses.create`) and the v1 API `/openai/v1/{endpoint}` for every
///   OpenAI-shaped endpoint, read as that endpoint reads its models but looked up among Azure
///   deployments.
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
        if segments.count == 2, segments[at: 1].decoded == "responses" {
            return RecognizedRoute(family: .azure, endpoint: "azure.responses", bodyFields: .standard, queryModel: true)
        }
        if segments.count >= 3, segments[at: 1].decoded == "v1",
           let openAI = OpenAIRoutes.recognize(segments.dropFirst(), query: query) {
            var route = openAI
            route.family = .azure
            route.endpoint = "azure.v1/" + segments.dropFirst(2).map(\.decoded).joined(separator: "/")
            return route
        }
        return nil
    }
}
