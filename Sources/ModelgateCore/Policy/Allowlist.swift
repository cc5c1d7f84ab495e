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
        let accessGroups = catalog.accessGroups(of: match)
        let members = catalog.deployments(of: match)
        for entry in entries {
            if entry == allModels || entry == "*" { return true }
            if accessGroups.contains(entry) { return true }
            if WildcardPattern.hasWildcard(entry) {
                if anyCandidateName(match, members, in: catalog, { WildcardPattern.matches(entry, $0) }) { return true }
            } else if anyCandidateName(match, members, in: catalog, { $0 == entry }) {
                return true
            }
        }
        return false
    }

    /// Offers each name an allowlist entry may match for this group to `test`, in order, until
    /// one passes: the group name, each member deployment's `provider/id` and
    /// `litellm_params.model`, and the concrete `provider/id` served through a wildcard
    /// deployment. `members` is `catalog.deployments(of: match)`.
    static func anyCandidateName(_ match: GroupMatch, _ members: [Int], in catalog: ModelCatalog, _ test: (String) -> Bool) -> Bool {
        if test(match.group) { return true }
        for index in members {
            let deployment = catalog.deployments[index]
            if test(deployment.providerQualifiedID) || test(deployment.litellmModel) { return true }
            if deployment.isProviderWildcard, let concrete = match.concreteID, match.deployments.contains(index),
               test("\(deployment.provider.rawValue)/\(concrete)") {
                return true
            }
        }
        return false
    }
}
