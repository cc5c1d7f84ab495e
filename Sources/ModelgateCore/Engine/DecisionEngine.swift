import struct Foundation.Date

/// Runs one check through the pipeline: find the key → recognise the route and the models it
/// names → resolve them in the catalog → apply the allowlists and tags → choose the credential.
public enum DecisionEngine {
    /// Decides `request` against `snapshot` as of `now` (key expiry). Pure: same inputs, same answer.
    public static func decide(_ request: CheckRequest, in snapshot: PolicySnapshot, now: Date) -> Decision {
        Decision.deny(.modelNotFound, "engine not built yet")
    }
}
