/// Chooses, for every named model, the first allowed group with a reachable deployment. With
/// tag filtering on, a model none of whose allowed groups has a reachable deployment is
/// `tag_access_denied`; with it off, every candidate deployment is reachable.
enum TagStage {
    static func run(_ context: inout CheckContext) -> Decision? {
        let catalog = context.snapshot.catalog
        let filtering = context.snapshot.settings.tagFilteringEnabled
        let tags = filtering
            ? RequestTags.collect(headers: context.request.headers, body: context.bodyTags, key: context.key, team: context.team)
            : []
        for index in context.resolutions.indices {
            var choice: (GroupMatch, Int)?
            for match in context.resolutions[index].allowed {
                let reachable = filtering ? TagFilter.reachable(match.deployments, tags: tags, in: catalog) : match.deployments
                if let first = reachable.first {
                    choice = (match, first)
                    break
                }
            }
            guard let (match, deployment) = choice else {
                let model = context.named[index]
                return context.deny(
                    .tagAccessDenied,
                    "no deployment of model '\(model.id)' is reachable with the request's tags", param: "model")
            }
            context.named[index].modelGroup = match.group
            context.resolutions[index].chosen = (match, deployment)
        }
        return nil
    }
}
