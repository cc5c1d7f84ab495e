import Foundation
import Testing

/// `modelgate team new|update|list|delete`.
@Suite struct TeamCommandTests {
    @Test func aTeamsModelListLimitsItsKeys() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        #expect(try await cli.succeed(["team", "new", "--team-id", "team-1", "--alias", "research", "--model", "claude"]) == "team-1\n")
        let key = try await cli.generateKey(["--team", "team-1"])
        #expect(try await cli.reason(key: key, model: "claude") == nil)
        #expect(try await cli.reason(key: key, model: "gpt-4o") == "team_model_access_denied")

        #expect(try await cli.succeed(["team", "update", "team-1", "--model", "gpt-4o"]) == "updated team-1\n")
        #expect(try await cli.reason(key: key, model: "gpt-4o") == nil)
        #expect(try await cli.reason(key: key, model: "claude") == "team_model_access_denied")

        try await cli.succeed(["team", "update", "team-1", "--any-model"])
        #expect(try await cli.reason(key: key, model: "claude") == nil)
        let teams = try await cli.list("team")
        try #require(teams.count == 1)
        #expect(teams[0]["team_id"] as? String == "team-1")
        #expect(teams[0]["team_alias"] as? String == "research")
        #expect(teams[0]["models"] as? [String] == [])
    }

    @Test func blockingATeamBlocksItsKeys() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        try await cli.succeed(["team", "new", "--team-id", "team-1"])
        let key = try await cli.generateKey(["--team", "team-1"])
        try await cli.succeed(["team", "update", "team-1", "--block"])
        #expect(try await cli.reason(key: key, model: "claude") == "key_blocked")
        #expect(try await cli.list("team").first?["blocked"] as? Bool == true)
        try await cli.succeed(["team", "update", "team-1", "--unblock"])
        #expect(try await cli.reason(key: key, model: "claude") == nil)
    }

    @Test func deletingATeamDeletesItsKeys() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        try await cli.succeed(["team", "new", "--team-id", "team-1"])
        let inTeam = try await cli.generateKey(["--team", "team-1"])
        let outside = try await cli.generateKey()
        #expect(try await cli.succeed(["team", "delete", "team-1"]) == "deleted 1 team and 1 key\n")
        #expect(try await cli.reason(key: inTeam, model: "claude") == "invalid_key")
        #expect(try await cli.reason(key: outside, model: "claude") == nil)
        #expect(try await cli.list("team").isEmpty)
    }

    @Test func modelConfigAndTagsAreStoredUnderMetadata() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        let config = #"{"defaultconfig": {"bedrock": {"litellm_credentials": "br-1"}}}"#
        try await cli.succeed(["team", "new", "--team-id", "team-1", "--tag", "prod", "--model-config", config])
        let metadata = try #require(try await cli.list("team").first?["metadata"] as? [String: Any])
        #expect(metadata["tags"] as? [String] == ["prod"])
        #expect(metadata["model_config"] is [String: Any])
        let table = try await cli.succeed(["team", "list"])
        #expect(table.contains("team-1") && table.contains("br-1"), "\(table)")
    }

    @Test func usageAndRefusals() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        try await cli.succeed(["team", "new", "--team-id", "team-1", "--model", "claude"])
        let both = try await cli.run(["team", "update", "team-1", "--model", "gpt-4o", "--any-model"])
        #expect(both.status == 2, "\(both.stderr)")
        #expect(try await cli.list("team").first?["models"] as? [String] == ["claude"])
        let blockBoth = try await cli.run(["team", "update", "team-1", "--block", "--unblock"])
        #expect(blockBoth.status == 2)
        let duplicate = try await cli.run(["team", "new", "--team-id", "team-1"])
        #expect(duplicate.status == 1, "\(duplicate.stderr)")
        #expect(duplicate.stderr.hasPrefix("modelgate: "))
        let badJSON = try await cli.run(["team", "new", "--team-id", "team-2", "--model-config", "{not json"])
        #expect(badJSON.status == 2, "\(badJSON.stderr)")
        let missing = try await cli.run(["team", "update", "no-such-team", "--model", "claude"])
        #expect(missing.status == 1, "\(missing.stderr)")
    }
}
