/// Google AI Studio (Gemini API): `/{v1|v1beta}/models/{m}:{action}`.
enum GoogleAIStudioRoutes: RouteRecognizer {
    static let families: RouteFamilies = [.googleAIStudio]

    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute? {
        guard segments.count >= 3,
              segments[at: 0].decoded == "v1" || segments[at: 0].decoded == "v1beta",
              segments[at: 1].decoded == "models",
              let (model, action) = ModelActionPath.split(segments.dropFirst(2))
        else { return nil }
        return RecognizedRoute(family: .googleAIStudio, endpoint: "gemini.\(action)", pathModel: model)
    }
}
