/// Resolves every named model to the groups that can serve it; any that resolves to none is
/// `model_not_found`.
enum CatalogStage {
    static func run(_ context: inout CheckContext) -> Decision? {
        let route = context.route
        context.resolutions.reserveCapacity(context.named.count)
        for index in context.named.indices {
            let model = context.named[index]
            let matches = context.snapshot.catalog.resolve(model.id, provider: route?.provider, publisher: route?.publisher)
            if matches.isEmpty {
                let where_ = route?.provider.map { " among \($0) deployments" } ?? ""
                return context.deny(.modelNotFound, "model '\(model.id)' (\(model.source.rawValue)) is not in the catalog\(where_)", param: "model")
            }
            context.resolutions.append(ModelResolution(matches: matches))
        }
        return nil
    }
}
