/// A model group that can serve an identifier, with the deployments in it that do.
public struct GroupMatch: Sendable, Equatable {
    public var group: String
    /// Indices into `ModelCatalog.deployments`, in `model_list` order.
    public var deployments: [Int]
    /// The provider-native id the upstream is asked for (for wildcard deployments, the
    /// requested id; else the deployment's own).
    public var concreteID: String?
    /// `group`'s position in `ModelCatalog.groups`: per-group facts are read by it on the hot
    /// path instead of hashing the name again.
    var groupIndex: Int
}

/// Forward (group → deployments) and reverse (provider + native id → groups) indexes over
/// `model_list`, built once per snapshot. A class, so that a stage holding it costs one retain,
/// not one per index.
public final class ModelCatalog: Sendable {
    public let deployments: [Deployment]
    /// Group names in `model_list` order (first appearance).
    public let groups: [String]
    private let deploymentsByGroup: [String: [Int]]
    private let byProviderAndID: [ProviderModelKey: [Int]]
    /// Bare id, `provider/id` and `litellm_params.model` → deployments (OpenAI-shaped routes).
    private let byAnyName: [String: [Int]]
    private let wildcardDeployments: [Int]
    /// Per `wildcardDeployments` entry, its globs compiled once: group name, `modelID`, `provider/id`.
    private let wildcardPatterns: [(group: WildcardPattern, modelID: WildcardPattern, qualified: WildcardPattern)]
    /// By group index (`GroupMatch.groupIndex`): the group's deployments and the access groups
    /// it is in.
    private let deploymentsByGroupIndex: [[Int]]
    private let accessGroupsByGroupIndex: [[String]]
    /// Per deployment, its group's index.
    private let groupIndexOfDeployment: [Int]

    private struct ProviderModelKey: Hashable {
        var provider: Provider
        var id: String

        // Hashed by the id alone (it spreads the keys); equality compares both.
        func hash(into hasher: inout Hasher) { hasher.combine(id) }
    }

    public init(deployments: [Deployment]) {
        self.deployments = deployments
        var groups: [String] = []
        var byGroup: [String: [Int]] = [:]
        var byProvider: [ProviderModelKey: [Int]] = [:]
        var byName: [String: [Int]] = [:]
        var wildcards: [Int] = []
        var access: [String: Set<String>] = [:]
        for (index, deployment) in deployments.enumerated() {
            if byGroup[deployment.groupName] == nil { groups.append(deployment.groupName) }
            byGroup[deployment.groupName, default: []].append(index)
            for accessGroup in deployment.accessGroups { access[accessGroup, default: []].insert(deployment.groupName) }
            if deployment.isProviderWildcard || deployment.groupName.containsByte(UInt8(ascii: "*")) {
                wildcards.append(index)
                continue
            }
            byProvider[ProviderModelKey(provider: deployment.provider, id: deployment.modelID), default: []].append(index)
            for name in Set([deployment.modelID, deployment.providerQualifiedID, deployment.litellmModel]) {
                byName[name, default: []].append(index)
            }
        }
        self.groups = groups
        wildcardPatterns = wildcards.map { index in
            let deployment = deployments[index]
            return (WildcardPattern(deployment.groupName), WildcardPattern(deployment.modelID),
                    WildcardPattern(deployment.providerQualifiedID))
        }
        deploymentsByGroup = byGroup
        byProviderAndID = byProvider
        byAnyName = byName
        wildcardDeployments = wildcards
        var byMember: [String: [String]] = [:]
        for (accessGroup, members) in access {
            for member in members { byMember[member, default: []].append(accessGroup) }
        }
        let indexOfGroup = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
        deploymentsByGroupIndex = groups.map { byGroup[$0] ?? [] }
        accessGroupsByGroupIndex = groups.map { byMember[$0] ?? [] }
        groupIndexOfDeployment = deployments.map { indexOfGroup[$0.groupName]! }
    }

    public func deployments(inGroup group: String) -> [Int] {
        deploymentsByGroup[group] ?? []
    }

    /// The deployments of the matched group, by index (no hashing).
    func deployments(of match: GroupMatch) -> [Int] {
        deploymentsByGroupIndex[match.groupIndex]
    }

    /// The access groups of the matched group, by index (no hashing).
    func accessGroups(of match: GroupMatch) -> [String] {
        accessGroupsByGroupIndex[match.groupIndex]
    }

    /// The groups that can serve `id`, in `model_list` order (CONTRACT §3 "Which must be allowed").
    ///
    /// - Parameters:
    ///   - provider: set on provider-shaped routes (Azure, Google, Vertex, Bedrock): `id` is looked
    ///     up among that provider's deployments first, then as a group name, and only that
    ///     provider's deployments count. Nil on OpenAI/Anthropic-shaped routes: group name first,
    ///     then every deployment.
    ///   - publisher: Vertex `{pub}`, so a deployment id `{pub}/{m}` also matches.
    public func resolve(_ id: String, provider: Provider?, publisher: String? = nil) -> [GroupMatch] {
        if let provider {
            var found = byProviderAndID[ProviderModelKey(provider: provider, id: id)] ?? []
            if let publisher {
                found += byProviderAndID[ProviderModelKey(provider: provider, id: "\(publisher)/\(id)")] ?? []
            }
            var matches = group(found.count > 1 ? found.sorted() : found, concreteID: nil)
            matches += wildcardMatches(id, provider: provider)
            if !matches.isEmpty { return ordered(matches) }
            let inGroup = deployments(inGroup: id).filter { deployments[$0].provider == provider }
            return group(inGroup, concreteID: nil)
        }
        let inGroup = deployments(inGroup: id)
        if !inGroup.isEmpty, !id.containsByte(UInt8(ascii: "*")) { return group(inGroup, concreteID: nil) }
        let found = byAnyName[id] ?? []
        return ordered(group(found, concreteID: nil) + wildcardMatches(id, provider: nil))
    }

    /// Wildcard deployments whose pattern covers `id`: `openai/*` serves `openai/gpt-4o` (and,
    /// on an OpenAI path, `gpt-4o`); a group named `gpt-*` serves `gpt-4o`.
    private func wildcardMatches(_ id: String, provider: Provider?) -> [GroupMatch] {
        var matches: [GroupMatch] = []
        for (index, patterns) in zip(wildcardDeployments, wildcardPatterns) {
            let deployment = deployments[index]
            var concrete: String?
            if let provider {
                guard deployment.provider == provider else { continue }
                if deployment.isProviderWildcard, patterns.modelID.matches(id) { concrete = id }
            } else if patterns.group.matches(id) || (deployment.isProviderWildcard && patterns.qualified.matches(id)) {
                if deployment.isProviderWildcard {
                    let prefix = deployment.provider.rawValue + "/"
                    concrete = id.hasPrefix(prefix) ? String(id.dropFirst(prefix.count)) : id
                } else {
                    concrete = deployment.modelID
                }
            }
            if let concrete {
                matches.append(GroupMatch(
                    group: deployment.groupName, deployments: [index], concreteID: concrete, groupIndex: groupIndexOfDeployment[index]))
            }
        }
        return matches
    }

    /// Gathers deployment indices into one match per group, keeping first-appearance order.
    private func group(_ indices: [Int], concreteID: String?) -> [GroupMatch] {
        var matches: [GroupMatch] = []
        for index in indices {
            let name = deployments[index].groupName
            if let at = matches.firstIndex(where: { $0.group == name }) {
                matches[at].deployments.append(index)
            } else {
                matches.append(GroupMatch(group: name, deployments: [index], concreteID: concreteID, groupIndex: groupIndexOfDeployment[index]))
            }
        }
        return matches
    }

    /// One match per group, groups in `model_list` order.
    private func ordered(_ matches: [GroupMatch]) -> [GroupMatch] {
        if matches.count < 2 { return matches }
        var merged: [GroupMatch] = []
        for match in matches {
            if let at = merged.firstIndex(where: { $0.group == match.group }) {
                merged[at].deployments = Array(Set(merged[at].deployments + match.deployments)).sorted()
                merged[at].concreteID = merged[at].concreteID ?? match.concreteID
            } else {
                merged.append(match)
            }
        }
        // Group indices follow first appearance in `model_list`.
        return merged.sorted { $0.groupIndex < $1.groupIndex }
    }
}
