/// A `models` list on a key, team or user, with LiteLLM's meaning (CONTRACT §6): an entry is a
/// group name, an access group, a wildcard glob, or `all-proxy-models`; an empty list allows
/// everything at that level.
public enum Allowlist {
    public static let allModels = "all-proxy-models"

    /// Whether `entries` allow `match`'s group.
    ///
    /// Each entry is a glob (literal without `*`) tried against the group name and every
    /// `provider/id` and `litellm_params.model` of the group's deployments, plus the concrete
    /// `provider/id` served through a wildcard deployment; or names an access group of the group.
    public static func allows(_ entries: [String], _ match: GroupMatch, in catalog: ModelCatalog) -> Bool {
        if entries.isEmpty { return true }
        let names = candidateNames(match, in: catalog)
        for entry in entries {
            if entry == allModels || entry == "*" { return true }
            if catalog.group(match.group, isIn: entry) { return true }
            let pattern = WildcardPattern(entry)
            if pattern.hasWildcard {
                if names.contains(where: pattern.matches) { return true }
            } else if names.contains(entry) {
                return true
            }
        }
        return false
    }

    /// The names an allowlist entry may match for this group.
    static func candidateNames(_ match: GroupMatch, in catalog: ModelCatalog) -> [String] {
        var names = [match.group]
        for index in catalog.deployments(inGroup: match.group) {
            let deployment = catalog.deployments[index]
            names.append(deployment.providerQualifiedID)
            names.append(deployment.litellmModel)
            if deployment.isProviderWildcard, let concrete = match.concreteID, match.deployments.contains(index) {
                names.append("\(deployment.provider.rawValue)/\(concrete)")
            }
        }
        return names
    }
}
