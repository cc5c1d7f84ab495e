/// The raw material of a snapshot, from one source (the config file or the database).
///
/// Sources are merged with `merging(_:)`, then frozen into a `PolicySnapshot`.
public struct PolicyParts: Sendable {
    /// In `model_list` order: order decides which group a decision names.
    public var deployments: [Deployment]
    public var keys: [VirtualKey]
    public var teams: [Team]
    public var users: [User]
    public var credentials: [Credential]
    public var settings: GateSettings

    public init(
        deployments: [Deployment] = [], keys: [VirtualKey] = [], teams: [Team] = [],
        users: [User] = [], credentials: [Credential] = [], settings: GateSettings = GateSettings()
    ) {
        self.deployments = deployments
        self.keys = keys
        self.teams = teams
        self.users = users
        self.credentials = credentials
        self.settings = settings
    }

    /// Adds `other`'s keys, teams, users and credentials; on the same id or name `other` wins
    /// (the database overrides the static config). Deployments and settings stay `self`'s.
    public func merging(_ other: PolicyParts) -> PolicyParts {
        var merged = self
        merged.keys = Self.union(keys, other.keys) { $0.hash }
        merged.teams = Self.union(teams, other.teams) { $0.id }
        merged.users = Self.union(users, other.users) { $0.id }
        merged.credentials = Self.union(credentials, other.credentials) { $0.name }
        return merged
    }

    private static func union<T, ID: Hashable>(_ base: [T], _ overrides: [T], id: (T) -> ID) -> [T] {
        let overridden = Set(overrides.map(id))
        return base.filter { !overridden.contains(id($0)) } + overrides
    }
}
