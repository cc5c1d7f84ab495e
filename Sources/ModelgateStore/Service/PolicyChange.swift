import struct Foundation.Date
import ModelgateCore

/// One change to a policy source's contents (the database, or LiteLLM's), as the policy sees
/// it: the new record itself, already decoded, so applying it needs no read of the source.
///
/// A source produces these; `PolicyService.apply(_:)` folds them into the running snapshot.
/// Rules for a source:
/// - An upsert carries the whole record as it now is (not a delta); a rename is a delete of the
///   old id plus an upsert of the new one.
/// - A record the source cannot turn into policy (a damaged row, metadata that does not load) is
///   sent as a delete of its id, as a full load leaves it out.
/// - A stored credential that cannot be decrypted is upserted with no value and its
///   `unavailableReason`, so it still shadows a config credential of the same name.
/// - Deleting a team that takes its keys with it (LiteLLM's rule) sends a key delete for
///   each of those keys, in the same batch as the team delete.
/// - A source that lost track (a gap in a change log, a reconnect it cannot catch up from)
///   sends `reloadAll` with everything it holds.
///
/// The static config stays underneath: the source wins on the same key hash, team id, user id
/// or credential name, and deleting the source's record brings the config's one back.
public enum PolicyChange: Sendable {
    case keyUpserted(VirtualKey)
    case keyDeleted(KeyHash)
    case teamUpserted(Team)
    case teamDeleted(id: String)
    case userUpserted(User)
    case userDeleted(id: String)
    case credentialUpserted(Credential)
    case credentialDeleted(name: String)
    /// The source's deployments (LiteLLM's database models), all of them: they follow the
    /// config's in the catalog, which is rebuilt; keys, teams and the rest are kept.
    case deploymentsReplaced([Deployment])
    /// The source's whole contents (keys, teams, users, credentials, deployments; its settings
    /// are not read), replacing everything it contributed before.
    case reloadAll(PolicyParts)
    /// The source could not be read; the policy was last known to match it at
    /// `lastSynchronised`. With `max_policy_staleness_seconds` set, checks are denied
    /// `policy_stale` from that instant plus the setting.
    case sourceUnreachable(lastSynchronised: Date)
    /// The source answers again and the policy has caught up with it.
    case sourceReachable
}
