/// Canonicalises the path and recognises the route shape. Unknown routes are closed.
enum RouteStage {
    enum Outcome {
        case proceed
        case decided(Decision)
    }

    static func run(_ context: inout CheckContext) -> Outcome {
        let path: CanonicalPath
        switch CanonicalPath.parse(context.request.rawTarget, query: context.query) {
        case .success(let parsed): path = parsed
        case .failure(let problem):
            return .decided(context.deny(.ambiguousPath, "the request path is ambiguous: \(problem)"))
        }
        context.path = path
        switch RouteTable.match(path, method: context.request.method, in: context.snapshot) {
        case .failure(let problem):
            return .decided(context.deny(.ambiguousPath, "the request path is ambiguous: \(problem)"))
        case .success(.unknown):
            return .decided(context.deny(
                .modelNotFound, "no model route matches \(context.request.method) \(pathOnly(context.request.rawTarget)); unknown routes are denied"))
        case .success(.modelless(let entry)):
            var decision = Decision(
                allow: true, status: 200, message: "allowed: \(entry) names no model",
                keyAlias: context.key?.alias, teamID: context.key?.teamID, userID: context.key?.userID,
                routeShape: "modelless")
            decision.removeHeaders = context.credentialHeadersToRemove(keeping: nil)
            decision.removeQueryParameters = context.queryHadKey ? ["key"] : []
            return .decided(decision)
        case .success(.model(let route)):
            context.route = route
            return .proceed
        }
    }

    private static func pathOnly(_ target: String) -> Substring {
        target.prefix { $0 != "?" }
    }
}
