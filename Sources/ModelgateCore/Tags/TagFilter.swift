/// LiteLLM's tag filtering read as an access rule (CONTRACT §6).
public enum TagFilter {
    public static let defaultTag = "default"

    /// The deployments (indices, order kept) a request with `tags` may reach among `candidates`:
    /// tagged deployments sharing a tag; with no match, or with no request tags, those tagged
    /// `default`; with no request tags and no `default` deployment, all of them.
    public static func reachable(_ candidates: [Int], tags: Set<String>, in catalog: ModelCatalog) -> [Int] {
        let defaults = candidates.filter { catalog.deployments[$0].tags.contains(defaultTag) }
        if tags.isEmpty {
            return defaults.isEmpty ? candidates : defaults
        }
        let matching = candidates.filter { index in
            catalog.deployments[index].tags.contains(where: tags.contains)
        }
        return matching.isEmpty ? defaults : matching
    }
}
