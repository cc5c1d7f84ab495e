import Foundation
import ModelgateCore

/// What one poll of LiteLLM's database found.
///
/// LiteLLM writes no change log and modelgate may not add triggers, so a poll reads: keys, teams
/// and users with `updated_at` past the last one seen; the archives LiteLLM writes on
/// `/key/delete` and `/team/delete`; and in full the small tables (rotated keys still in their
/// grace period, DB models, DB credentials). `allTokens`, when present, is every token in
/// `LiteLLM_VerificationToken`, read when a key was regenerated (`needsTokenSet`): its old token
/// left the table without an archive; it and `allTeamIDs` are read on every poll when the
/// archives cannot be. Rows deleted by hand are found by `reconcile`.
public struct LiteLLMPoll: Sendable {
    /// Keys, teams and users changed since the watermarks; rotated keys, models and credentials
    /// in full.
    public var rows = LiteLLMContents()
    /// Tokens archived in `LiteLLM_DeletedVerificationToken` and no longer in the key table.
    public var deletedKeyTokens: [String] = []
    /// Team ids archived in `LiteLLM_DeletedTeamTable` and no longer in the team table.
    public var deletedTeamIDs: [String] = []
    public var allTokens: Set<String>?
    /// Every team id in `LiteLLM_TeamTable`, when read: a tracked team not in it is deleted.
    public var allTeamIDs: Set<String>?
    /// Every member's own model list, when read (they are read whole: a membership or budget
    /// change touches no team's `updated_at`); nil leaves the tracked lists as they are.
    public var teamMembers: [LiteLLMTeamMemberRow]?
    /// The database's digest of them when they were read (`teamMembersDigest`).
    public var teamMembersDigest: String?

    public init() {}
}

/// What changed of one kind of record: what to put in force and what to remove.
public struct RecordChanges<Record: Sendable, ID: Sendable>: Sendable {
    public var upserted: [Record] = []
    public var deleted: [ID] = []

    public var isEmpty: Bool { upserted.isEmpty && deleted.isEmpty }
}

/// The policy consequences of a poll: what to upsert and delete, and whether the catalog (DB
/// models) changed. Applied to the running snapshot as one batch.
public struct LiteLLMDelta: Sendable {
    public var keys = RecordChanges<VirtualKey, KeyHash>()
    public var teams = RecordChanges<Team, String>()
    public var users = RecordChanges<User, String>()
    public var credentials = RecordChanges<Credential, String>()
    /// The DB deployments, when they changed (the catalog is rebuilt from config + these).
    public var deployments: [Deployment]?
    /// One line per row that could not be used as stored (names the row, never a value).
    public var problems: [LiteLLMPolicyMapper.Problem] = []

    public var isEmpty: Bool {
        keys.isEmpty && teams.isEmpty && users.isEmpty && credentials.isEmpty && deployments == nil
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
    /// Members' own model lists by team id, then user id.
    private(set) var memberModels: [String: [String: [String]]] = [:]
    /// The database's digest of the member lists tracked; nil until a poll has read one.
    public private(set) var teamMembersDigest: String?
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
        memberModels = LiteLLMPolicyMapper.memberModels(contents.teamMembers)
        for row in contents.users { users[row.userID] = row; usersSeen = max(usersSeen, Self.seconds(row.updatedAt)) }
        models = contents.models
        for row in contents.credentials { credentials[row.credentialName] = row }
    }

    /// The rows tracked now, as a full read would return them.
    public var contents: LiteLLMContents {
        LiteLLMContents(
            keys: Array(keys.values), deprecatedKeys: Array(deprecated.values), teams: Array(teams.values),
            users: Array(users.values),
            teamMembers: memberModels.flatMap { team, lists in
                lists.map { LiteLLMTeamMemberRow(userID: $0.key, teamID: team, allowedModels: $0.value) }
            },
            models: models, credentials: Array(credentials.values))
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
        for row in poll.rows.keys where keys[row.token] != row {
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
        let rotated = Dictionary(poll.rows.deprecatedKeys.map { ($0.token, $0) }, uniquingKeysWith: { _, last in last })
        for (token, row) in deprecated where rotated[token] != row { touchedTokens.insert(token) }
        for (token, row) in rotated where deprecated[token] != row { touchedTokens.insert(token) }
        deprecated = rotated
        // A rotated key follows its active key.
        for (token, row) in deprecated where touchedTokens.contains(row.activeToken) { touchedTokens.insert(token) }

        for token in touchedTokens.sorted() {
            if let row = keys[token] {
                switch mapper.key(row) {
                case .success(let key): delta.keys.upserted.append(key)
                case .failure(let problem):
                    delta.problems.append(problem)
                    if let hash = KeyHash(hex: token.lowercased()) { delta.keys.deleted.append(hash) }
                }
            } else if let row = deprecated[token], let active = keys[row.activeToken],
                      case .success(let activeKey) = mapper.key(active),
                      case .success(let rotatedKey?) = mapper.rotatedKey(row, active: { $0 == activeKey.hash ? activeKey : nil }) {
                delta.keys.upserted.append(rotatedKey)
            } else if let hash = KeyHash(hex: token.lowercased()) {
                delta.keys.deleted.append(hash)
            }
        }

        // A team is mapped again when its row or its members' lists changed.
        var remapped = Set<String>()
        if let rows = poll.teamMembers {
            teamMembersDigest = poll.teamMembersDigest
            let lists = LiteLLMPolicyMapper.memberModels(rows)
            remapped = Set(lists.keys).union(memberModels.keys).filter { lists[$0] != memberModels[$0] }
            memberModels = lists
        }
        for row in poll.rows.teams where teams[row.teamID] != row {
            teams[row.teamID] = row
            teamsSeen = max(teamsSeen, Self.seconds(row.updatedAt))
            remapped.insert(row.teamID)
        }
        for id in remapped.sorted() {
            guard let row = teams[id] else { continue }
            switch mapper.team(row, members: memberModels[id] ?? [:]) {
            case .success(let team): delta.teams.upserted.append(team)
            case .failure(let problem):
                delta.problems.append(problem)
                delta.teams.deleted.append(row.teamID)
            }
        }
        var goneTeams = poll.deletedTeamIDs
        if let all = poll.allTeamIDs { goneTeams += teams.keys.filter { !all.contains($0) } }
        for id in goneTeams where teams.removeValue(forKey: id) != nil {
            delta.teams.deleted.append(id)
        }
        for row in poll.rows.users where users[row.userID] != row {
            users[row.userID] = row
            usersSeen = max(usersSeen, Self.seconds(row.updatedAt))
            delta.users.upserted.append(mapper.user(row))
        }

        if poll.rows.models != models {
            models = poll.rows.models
            var deployments: [Deployment] = []
            for row in models where !row.blocked {
                let (mapped, problem) = mapper.deployment(row)
                deployments.append(contentsOf: mapped)
                if let problem { delta.problems.append(problem) }
            }
            delta.deployments = deployments
        }
        let current = Dictionary(poll.rows.credentials.map { ($0.credentialName, $0) }, uniquingKeysWith: { _, last in last })
        for (name, row) in current where credentials[name] != row {
            let (mapped, problem) = mapper.credential(row)
            delta.credentials.upserted.append(contentsOf: mapped)
            if let problem { delta.problems.append(problem) }
        }
        for name in credentials.keys where current[name] == nil { delta.credentials.deleted.append(name) }
        credentials = current
        return delta
    }

    /// A full reconciliation: everything read again, compared with what is tracked, so a row
    /// deleted by hand (no archive, no `updated_at`) stops counting too.
    public mutating func reconcile(_ contents: LiteLLMContents) -> LiteLLMDelta {
        var poll = LiteLLMPoll()
        poll.rows = contents
        poll.allTokens = Set(contents.keys.map(\.token))
        poll.allTeamIDs = Set(contents.teams.map(\.teamID))
        poll.teamMembers = contents.teamMembers
        let userIDs = Set(contents.users.map(\.userID))
        let goneUsers = users.keys.filter { !userIDs.contains($0) }
        var delta = apply(poll)
        for id in goneUsers {
            users.removeValue(forKey: id)
            delta.users.deleted.append(id)
        }
        return delta
    }
}
