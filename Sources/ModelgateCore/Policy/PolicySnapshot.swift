import struct Foundation.Date

/// Everything a check needs, frozen: catalog, keys, teams, users, decrypted credentials.
///
/// Built once per config load, or derived from the one in force for each admin change
/// (`replacing`, which shares every part it does not replace), and swapped in whole through
/// `SnapshotHolder`; a check reads it without locks, queries or decoding.
public final class PolicySnapshot: Sendable {
    public let catalog: ModelCatalog
    public let keys: KeyTable
    public let teams: [String: Team]
    public let users: [String: User]
    public let credentials: [String: Credential]
    public let settings: GateSettings
    /// Increases with every swap; shown in metrics and readiness.
    public let generation: UInt64
    public let builtAt: Date
    /// Set while the policy's database is unreachable and `max_policy_staleness_seconds` is
    /// set: from this instant every check is denied `policy_stale` and readiness answers 503.
    public let staleAfter: Date?
    /// Mount prefixes split into decoded segments, once.
    let mountPrefixSegments: [[Substring]]
    /// The route families each mount prefix admits (same order as `mountPrefixSegments`).
    let mountPrefixFamilies: [RouteFamilies]
    /// Modelless routes as (method, path), once.
    let modellessRoutes: [(method: Substring, path: Substring)]

    public init(parts: PolicyParts, generation: UInt64 = 0, builtAt: Date = Date(timeIntervalSince1970: 0)) {
        catalog = ModelCatalog(deployments: parts.deployments)
        keys = KeyTable(parts.keys)
        teams = Dictionary(parts.teams.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        users = Dictionary(parts.users.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        credentials = Dictionary(parts.credentials.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        settings = parts.settings
        self.generation = generation
        self.builtAt = builtAt
        staleAfter = nil
        mountPrefixSegments = parts.settings.mountPrefixes
            .map { $0.split(separator: "/", omittingEmptySubsequences: true) }
            .filter { !$0.isEmpty }
            .sorted { $0.count > $1.count }
        mountPrefixFamilies = mountPrefixSegments.map(MountPrefix.families(for:))
        modellessRoutes = parts.settings.modellessRoutes.compactMap { route in
            let pieces = route.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard pieces.count == 2 else { return nil }
            return (method: pieces[0], path: pieces[1])
        }
    }

    /// This snapshot with the given parts replaced; the settings and everything derived from
    /// them, and every part not given, are shared, not rebuilt. `staleAfter` is kept unless
    /// `staleness` is given.
    public func replacing(
        catalog: ModelCatalog? = nil, keys: KeyTable? = nil, teams: [String: Team]? = nil, users: [String: User]? = nil,
        credentials: [String: Credential]? = nil, staleness: Staleness? = nil, generation: UInt64, builtAt: Date
    ) -> PolicySnapshot {
        PolicySnapshot(
            derivedFrom: self, catalog: catalog ?? self.catalog, keys: keys ?? self.keys, teams: teams ?? self.teams, users: users ?? self.users,
            credentials: credentials ?? self.credentials, staleAfter: staleness.map(\.deadline) ?? staleAfter,
            generation: generation, builtAt: builtAt)
    }

    /// Whether the policy is past `staleAfter` at `now`.
    public func isStale(at now: Date) -> Bool {
        staleAfter.map { now >= $0 } ?? false
    }

    /// A change of `staleAfter`: a deadline, or `.current` (the database answers again).
    public struct Staleness: Sendable {
        public var deadline: Date?
        public static let current = Staleness(deadline: nil)
        public static func after(_ deadline: Date) -> Staleness { Staleness(deadline: deadline) }
    }

    private init(
        derivedFrom base: PolicySnapshot, catalog: ModelCatalog, keys: KeyTable, teams: [String: Team], users: [String: User],
        credentials: [String: Credential], staleAfter: Date?, generation: UInt64, builtAt: Date
    ) {
        self.staleAfter = staleAfter
        self.catalog = catalog
        self.keys = keys
        self.teams = teams
        self.users = users
        self.credentials = credentials
        settings = base.settings
        self.generation = generation
        self.builtAt = builtAt
        mountPrefixSegments = base.mountPrefixSegments
        mountPrefixFamilies = base.mountPrefixFamilies
        modellessRoutes = base.modellessRoutes
    }

    /// A snapshot that denies every model request (no config loaded).
    public static let empty = PolicySnapshot(parts: PolicyParts())
}
