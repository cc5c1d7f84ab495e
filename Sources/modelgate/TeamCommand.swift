import ArgumentParser
import ModelgateStore

/// `modelgate team`: teams in the database, offline (the same operations as the admin API).
struct TeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team",
        abstract: "Manage teams in the database.",
        discussion: """
            A key in a team must pass the team's model list too, and the team's metadata.model_config chooses provider credentials for its keys.
            """,
        subcommands: [New.self, Update.self, List.self, Delete.self])

    /// Options both `new` and `update` take.
    struct TeamFields: ParsableArguments {
        @Option(help: "A readable name for the team.") var alias: String?
        @OptionGroup var policy: PolicyOptions

        /// Writes the options given into `request` (`--any-model` as `PolicyOptions.fill`).
        func fill<ID>(_ request: inout TeamRequest<ID>, anyModel: Bool = false) throws {
            request.alias = alias
            try policy.fill(&request, anyModel: anyModel)
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a team.",
            discussion: """
                Examples:
                  modelgate team new --team-id team-1 --alias research \\
                      --model claude-opus-4-7 --model frontier
                  modelgate team new --team-id team-2 --model-config \\
                      '{"defaultconfig": {"bedrock": {"litellm_credentials": "br-2"}}}'
                """)

        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("team-id"), help: "The team id (a UUID is generated when absent).") var teamID: String?
        @OptionGroup var fields: TeamFields
        @Flag(help: "Create the team blocked.") var blocked = false

        func run() throws {
            var request = TeamNewRequest(teamID: teamID)
            request.blocked = blocked
            try fields.fill(&request)
            let team = try output.store.run { try $0.newTeam(request) }
            output.show(team, else: team.id)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a team; options not given stay as they are.",
            discussion: """
                Examples:
                  modelgate team update team-1 --model claude-opus-4-7 --model gemini-2.5-pro
                  modelgate team update team-1 --model-config '{"defaultconfig": {
                      "gemini": {"litellm_credentials": "gemini-team-1"},
                      "bedrock": {"litellm_credentials": "bedrock-team-1"}}}'
                  modelgate team update team-1 --block
                """)

        @OptionGroup var output: OutputOptions
        @Argument(help: "The team id.") var teamID: String
        @OptionGroup var fields: TeamFields
        @Flag(help: "Remove the team's model list (no team-level limit).") var anyModel = false
        @Flag(help: "Block the team.") var block = false
        @Flag(help: "Unblock the team.") var unblock = false

        func validate() throws {
            if block && unblock { throw ValidationError("give --block or --unblock, not both") }
            if anyModel && !fields.policy.models.isEmpty { throw ValidationError("give --model or --any-model, not both") }
        }

        func run() throws {
            var request = TeamUpdateRequest(teamID: teamID)
            request.blocked = block ? true : (unblock ? false : nil)
            try fields.fill(&request, anyModel: anyModel)
            let team = try output.store.run { try $0.updateTeam(request) }
            output.show(team, else: "updated \(team.id)")
        }
    }

    struct List: ListCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored teams.",
            discussion: "Examples:\n  modelgate team list\n  modelgate team list --json")
        static let header = ["TEAM_ID", "ALIAS", "MODELS", "BLOCKED", "MODEL_CONFIG"]

        @OptionGroup var listing: OutputOptions

        func fetch(_ operations: AdminOperations) throws -> [StoredTeam] { try operations.listTeams() }

        static func row(_ team: StoredTeam) -> [String] {
            let modelConfig = team.metadata[PolicyMetadata.modelConfigField].map(\.jsonText) ?? "-"
            return [team.id, team.alias ?? "-", CLIOutput.models(team.models), team.blocked ? "yes" : "no", modelConfig]
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete teams and their keys.",
            discussion: "Example:\n  modelgate team delete team-1")

        @OptionGroup var store: AdminStoreOptions
        @Argument(help: "Team ids.") var teamIDs: [String]

        func run() throws {
            let keys = try store.run { try $0.deleteTeams(teamIDs) }
            print("deleted \(CLIOutput.count(teamIDs.count, "team")) and \(CLIOutput.count(keys, "key"))")
        }
    }
}
