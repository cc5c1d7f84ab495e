import Foundation
import ModelgateCore

extension AdminOperations {
    /// Creates a team; its id is generated when not given.
    public func newTeam(_ request: TeamNewRequest) throws(AdminError) -> StoredTeam {
        if let teamID = request.teamID { try Self.requireNonEmpty(teamID, TeamField.id) }
        let metadata = try request.policy.newMetadata()
        let time = now()
        let team = StoredTeam(
            id: request.teamID ?? UUID().uuidString.lowercased(), alias: request.alias,
            models: request.models ?? [], blocked: request.blocked ?? false, metadata: metadata,
            createdAt: time, updatedAt: time)
        try write("create the team") { db in
            guard try db.team(team.id) == nil else {
                throw AdminError.badRequest("team_id '\(team.id)' already exists; use /team/update to change it", field: TeamField.id)
            }
            try db.insert(team)
        }
        logger.info("admin: team created", metadata: [TeamField.id.stringValue: "\(team.id)"])
        return team
    }

    /// Changes the fields given; returns the team as now stored.
    public func updateTeam(_ request: TeamUpdateRequest) throws(AdminError) -> StoredTeam {
        let time = now()
        let team: StoredTeam = try write("update the team") { db in
            var team = try Self.fetchTeam(request.teamID, db)
            if let alias = request.alias { team.alias = alias }
            try request.policy.apply(to: &team)
            team.updatedAt = time
            try db.update(team)
            return team
        }
        logger.info("admin: team updated", metadata: [TeamField.id.stringValue: "\(team.id)"])
        return team
    }

    /// Sets or clears `blocked`: every key of a blocked team is refused (`team_blocked`).
    public func setTeamBlocked(_ teamID: String, blocked: Bool) throws(AdminError) -> StoredTeam {
        var request = TeamUpdateRequest(teamID: teamID)
        request.blocked = blocked
        return try updateTeam(request)
    }

    /// The team and its keys.
    public func teamInfo(_ teamID: String) throws(AdminError) -> (team: StoredTeam, keys: [StoredKey]) {
        try read("read the team") { db in
            let team = try Self.fetchTeam(teamID, db)
            let keys = try db.keys(teamID: teamID, userID: nil)
            return (team, keys)
        }
    }

    /// Deletes the teams and, as LiteLLM does, their keys. Every team must exist (else 404 and
    /// nothing is deleted). Returns how many keys went with them.
    public func deleteTeams(_ teamIDs: [String]) throws(AdminError) -> Int {
        guard !teamIDs.isEmpty else { throw .badRequest("give the teams to delete in 'team_ids'", field: RequestField.teamIDs) }
        let keys: Int = try write("delete the teams") { db in
            for teamID in teamIDs where try db.team(teamID) == nil {
                throw AdminError.notFound("no such team: '\(teamID)'", field: RequestField.teamIDs)
            }
            let gone = try db.keys(inTeams: teamIDs).map(\.hash)
            try db.deleteKeys(gone)
            try db.deleteTeams(teamIDs)
            return gone.count
        }
        logger.info("admin: teams deleted", metadata: [RequestField.teamIDs.stringValue: "\(teamIDs.joined(separator: ","))", "keys_deleted": "\(keys)"])
        return keys
    }

    /// Stored teams, oldest first.
    public func listTeams() throws(AdminError) -> [StoredTeam] {
        try read("list the teams") { db in try db.teams() }
    }

    static func fetchTeam(_ teamID: String, _ db: any StorageReader) throws -> StoredTeam {
        try found(db.team(teamID), "no such team: '\(teamID)'", TeamField.id)
    }
}
