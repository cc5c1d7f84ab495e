import ModelgateConfig
import ModelgateCore
import Testing

/// The config file's static `teams` and `users` sections.
@Suite("Static teams and users")
struct StaticPolicySectionTests {
    private func parse(_ yaml: String) throws(ConfigError) -> GatewayConfig {
        try GatewayConfig.parse(yaml: "model_list: []\n" + yaml, environment: [:])
    }

    @Test func teamsAndUsersReadEveryMember() throws {
        let config = try parse("""
            teams:
              - team_id: t1
                team_alias: research
                models: [claude, gpt-4o]
                blocked: true
                metadata: { tags: [eu], model_config: { defaultconfig: { bedrock: { litellm_credentials: br } } } }
              - team_id: t2
                team_alias: null
            users:
              - user_id: u1
                models: [gemini]
              - user_id: u2
            """)
        let teams = config.parts.teams
        #expect(teams.map(\.id) == ["t1", "t2"])
        #expect(teams[0].alias == "research")
        #expect(teams[0].models == ["claude", "gpt-4o"])
        #expect(teams[0].blocked)
        #expect(teams[0].tags == ["eu"])
        #expect(teams[0].modelConfig.defaultConfig == ["bedrock": "br"])
        #expect(teams[1].alias == nil && teams[1].models.isEmpty && !teams[1].blocked)
        #expect(config.parts.users.map(\.id) == ["u1", "u2"])
        #expect(config.parts.users[0].models == ["gemini"])
        #expect(config.parts.users[1].models.isEmpty)
    }

    @Test func anEntryWithoutItsIdIsAProblemNamingIt() {
        for (section, field) in [("teams", "team_id"), ("users", "user_id")] {
            for entry in ["{ models: [a] }", "{ \(field): '' }", "{ \(field): null }"] {
                do {
                    _ = try parse("\(section):\n  - \(entry)\n")
                    Issue.record("\(section) entry \(entry) loaded")
                } catch {
                    #expect(error.problems.contains { $0.description.contains("\(field) is required") }, "\(section): \(entry): \(error)")
                }
            }
        }
    }

    @Test func aMemberOfTheWrongTypeIsAProblem() {
        #expect(throws: ConfigError.self) { try parse("teams:\n  - { team_id: t1, models: claude }\n") }
        #expect(throws: ConfigError.self) { try parse("teams:\n  - { team_id: t1, blocked: maybe }\n") }
        #expect(throws: ConfigError.self) { try parse("users:\n  - { user_id: u1, models: 5 }\n") }
    }
}
