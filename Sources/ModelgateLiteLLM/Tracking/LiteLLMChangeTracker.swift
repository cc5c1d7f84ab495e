import Foundation
import ModelgateCore

/// What one poll of LiteLLM's database found.
///
/// LiteLLM writes no change log and modelgate may not add triggers, so a poll reads: keys, teams
/// and users with `updated_at` past the last one seen; the archives LiteLLM writes on
/// `/key/delete` and `/team/delete`; and in full the small tables (rotated keys still in their
/// grace period, DB models, DB credentials). `allTokens`, when present, is every token in
/// `LiteLLM_VerificationToken`, read when a key was regenerated (`needsTokenSet`): its old token
/// left the table without an archive. Rows deleted by hand are found by `reconcile`.
public struct LiteLLMPoll: Sendable {
    public var changedKeys: [LiteLLMKeyRow] = []
    public var changedTeams: [LiteLLMTeamRow] = []
    public var changedUsers: [LiteLLMUserRow] = []
    /// Tokens archived in `LiteLLM_DeletedVerificationToken` and no longer in the key table.
    public var deletedKeyTokens: [String] = []
    /// Team ids archived in `LiteLLM_DeletedTeamTable` and no longer in the team table.
    public var deletedTeamIDs: [String] = []
    public var deprecatedKeys: [LiteLLMDeprecatedKeyRow] = []
    public var models: [LiteLLMModelRow] = []
    public var credentials: [LiteLLMCredentialRow] = []
    public var allTokens: Set<String>?

    public init() {}
}

/// The policy consequences of a poll: what to upsert and delete, and whether the catalog (DB
/// models) changed. Applied to the running snapshot as one batch.
public struct LiteLLMDelta: Sendable {
    public var upsertedKeys: [VirtualKey] = []
    public var deletedKeys: [KeyHash] = []
    public var upsertedTeams: [Team] = []
    public var deletedTeams: [String] = []
    public var upsertedUsers: [User] = []
    public var deletedUsers: [String] = []
    public var upsertedCredentials: [Credential] = []
    public var deletedCredentials: [String] = []
    /// The DB deployments, when they changed (the catalog is rebuilt from config + these).
    public var deployments: [Deployment]?
    /// One line per row that could not be used as stored (names the row, never a value).
    public var problems: [LiteLLMPolicyMapper.Problem] = []

    public var isEmpty: Bool {
        upsertedKeys.isEmpty && deletedKeys.isEmpty && upsertedTeams.isEmpty && deletedTeams.isEmpty
            && upsertedUsers.isEmpty && deletedUsers.isEmpty && upsertedCredentials.isEmpty && deletedCredentials.isEmpty && deployments == nil
    }
}

/// Keeps the rows last read from LiteLLM and turns each poll into a `LiteLLMDelta`: only what
/// changed, so a poll costs O(changes) in the snapshot, not O(keys).
public struct LiteLLMChangeTracker: Sendable {
    public let mapper: LiteLLMPolicyMapper
    private(set) var keys: [String: LiteLLMKeyRow] = [:]
    private(set) var deprecated: [String: LiteLLMDeprecatedKeyRow] = [:]
    private(set) var teams: [String: LiteLLMTeamRow] = [:]
    private(set) var users: [String: LiteLLMUserRow] = [:]
    private(set) var models: [LiteLLMModelRow] = []
    private(set) var credentials: [String: LiteLLMCredentialRow] = [:]
    /// The newest `updated_at` seen per polled table (seconds since 1970, UTC).
    public private(set) var keysSeen: Double = 0
    public private(set) var teamsSeen: Double = 0
    public private(set) var usersSeen: Double = 0

    /// Starts from a full read; the snapshot is built from `mapper.parts(contents)` by the caller.
    public init(mapper: LiteLLMPolicyMapper, loaded contents: LiteLLMContents) {
        self.mapper = mapper
        for row in contents.keys { keys[row.token] = row; keysSeen = max(keysSeen, Self.seconds(row.updatedAt)) }
        for row in contents.deprecatedKeys { deprecated[row.token] = row }
        for row in contents.teams { teams[row.teamID] = row; teamsSeen = max(teamsSeen, Self.seconds(row.updatedAt)) }
        for row in contents.users { users[row.userID] = row; usersSeen = max(usersSeen, Self.seconds(row.updatedAt)) }
        models = contents.models
        for row in contents.credentials { credentials[row.credentialName] = row }
    }

    /// The rows tracked now, as a full read would return them (organizations are not tracked:
    /// no request check reads them).
    public var contents: LiteLLMContents {
        LiteLLMContents(
            keys: Array(keys.values), deprecatedKeys: Array(deprecated.values), teams: Array(teams.values),
            users: Array(users.values), models: models, credentials: Array(credentials.values))
    }

    static func seconds(_ date: Date?) -> Double { date?.timeIntervalSince1970 ?? 0 }

    /// Whether changed key rows include a regenerated key (a token not tracked yet, on a row
    /// created well before its update, 50 ms here): then the old token is gone from the table
    /// with no archive, and the poll must read the token set to find it.
    public func needsTokenSet(for rows: [LiteLLMKeyRow]) -> Bool {
        rows.contains { row in
            guard keys[row.token] == nil else { return false }
            guard let created = row.createdAt, let updated = row.updatedAt else { return true }
            return updated.timeIntervalSince(created) > 0.05
        }
    }

    /// Folds a poll into the tracked rows and says what the policy must change.
    public mutating func apply(_ poll: LiteLLMPoll) -> LiteLLMDelta {
        var delta = LiteLLMDelta()
        var touchedTokens = Set<String>()

        // The poll window overlaps the last one: a row read again unchanged is no change.
        for row in poll.changedKeys where keys[row.token] != row {
            keys[row.token] = row
            keysSeen = max(keysSeen, Self.seconds(row.updatedAt))
            touchedTokens.insert(row.token)
        }
        for token in poll.deletedKeyTokens where keys.removeValue(forKey: token) != nil {
            touchedTokens.insert(token)
        }
        if let all = poll.allTokens {
            for token in keys.keys where !all.contains(token) {
                keys.removeValue(forKey: token)
                touchedTokens.insert(token)
            }
        }
        // Rotated keys: the table is read whole, so one that left it (revoked, deleted) is gone.
        let rotated = Dictionary(poll.deprecatedKeys.map { ($0.token, $0) }, uniquingKeysWith: { _, last in last })
        for (token, row) in deprecated where rotated[token] != row { touchedTokens.insert(token) }
        for (token, row) in rotated where deprecated[token] != row { touchedTokens.insert(token) }
        deprecated = rotated
        // A rotated key follows its active key.
        for (token, row) in deprecated where touchedTokens.contains(row.activeToken) { touchedTokens.insert(token) }

        for token in touchedTokens.sorted() {
            if let row = keys[token] {
                switch mapper.key(row) {
                case .success(let key): delta.upsertedKeys.append(key)
                case .failure(let problem):
                    delta.problems.append(problem)
                    if let hash = KeyHash(hex: token.lowercased()) { delta.deletedKeys.append(hash) }
                }
            } else if let row = deprecated[token], let active = keys[row.activeToken],
                      case .success(let activeKey) = mapper.key(active),
                      case .success(let rotatedKey?) = mapper.rotatedKey(row, active: { $0 == activeKey.hash ? activeKey : nil }) {
                delta.upsertedKeys.append(rotatedKey)
            } else if let hash = KeyHash(hex: token.lowercased()) {
                delta.deletedKeys.append(hash)
            }
        }

        for row in poll.changedTeams where teams[row.teamID] != row {
            teams[row.teamID] = row
            teamsSeen = max(teamsSeen, Self.seconds(row.updatedAt))
            switch mapper.team(row) {
            case .success(let team): delta.upsertedTeams.append(team)
            case .failure(let problem):
                delta.problems.append(problem)
                delta.deletedTeams.append(row.teamID)
            }
        }
        for id in poll.deletedTeamIDs where teams.removeValue(forKey: id) != nil {
            delta.deletedTeams.append(id)
        }
        for row in poll.changedUsers where users[row.userID] != row {
            users[row.userID] = row
            usersSeen = max(usersSeen, Self.seconds(row.updatedAt))
            delta.upsertedUsers.append(mapper.user(row))
        }

        if poll.models != models {
            models = poll.models
            var deployments: [Deployment] = []
            for row in models where !row.blocked {
                let (mapped, problem) = mapper.deployment(row)
                deployments.append(contentsOf: mapped)
                if let problem { delta.problems.append(problem) }
            }
            delta.deployments = deployments
        }
        let current = Dictionary(poll.credentials.map { ($0.credentialName, $0) }, uniquingKeysWith: { _, last in last })
        for (name, row) in current where credentials[name] != row {
            let (mapped, problem) = mapper.credential(row)
            delta.upsertedCredentials.append(contentsOf: mapped)
            if let problem { delta.problems.append(problem) }
        }
        for name in credentials.keys where current[name] == nil { delta.deletedCredentials.append(name) }
        credentials = current
        return delta
    }

    /// A full reconciliation: everything read again, compared with what is tracked, so a row
    /// deleted by hand (no archive, no `updated_at`) stops counting too.
    public mutating func reconcile(_ contents: LiteLLMContents) -> LiteLLMDelta {
        var poll = LiteLLMPoll()
        poll.changedKeys = contents.keys
        poll.allTokens = Set(contents.keys.map(\.token))
        poll.changedTeams = contents.teams
        let teamIDs = Set(contents.teams.map(\.teamID))
        poll.deletedTeamIDs = teams.keys.filter { !teamIDs.contains($0) }
        poll.changedUsers = contents.users
        poll.deprecatedKeys = contents.deprecatedKeys
        poll.models = contents.models
        poll.credentials = contents.credentials
        let userIDs = Set(contents.users.map(\.userID))
        let goneUsers = users.keys.filter { !userIDs.contains($0) }
        var delta = apply(poll)
        for id in goneUsers {
            users.removeValue(forKey: id)
            delta.deletedUsers.append(id)
        }
        return delta
    }
}
