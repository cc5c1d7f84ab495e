import struct Foundation.Date

/// A virtual key (`sk-…`) as policy sees it: identified only by its hash.
public struct VirtualKey: Sendable {
    public var hash: KeyHash
    public var alias: String?
    public var teamID: String?
    public var userID: String?
    /// Allowlist; empty means no restriction at the key level.
    public var models: [String]
    public var blocked: Bool
    public var expires: Date?
    /// `metadata.tags`.
    public var tags: [String]
    public var modelConfig: ModelConfig

    public init(
        hash: KeyHash, alias: String? = nil, teamID: String? = nil, userID: String? = nil,
        models: [String] = [], blocked: Bool = false, expires: Date? = nil, tags: [String] = [],
        modelConfig: ModelConfig = .none
    ) {
        self.hash = hash
        self.alias = alias
        self.teamID = teamID
        self.userID = userID
        self.models = models
        self.blocked = blocked
        self.expires = expires
        self.tags = tags
        self.modelConfig = modelConfig
    }
}
