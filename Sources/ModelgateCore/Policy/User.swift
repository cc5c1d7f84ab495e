/// An internal user; a key bound to a user must also pass the user's allowlist.
public struct User: Sendable {
    public var id: String
    /// Allowlist; empty means no restriction at the user level.
    public var models: [String]

    public init(id: String, models: [String] = []) {
        self.id = id
        self.models = models
    }
}
