import ArgumentParser
import ModelgateStore

/// `modelgate user`: internal users in the database (the same operations as the admin API).
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage internal users in the database.",
        discussion: "A key bound to a user must pass the user's model list too.",
        subcommands: [New.self, Update.self, List.self])

    /// Options both `new` and `update` take.
    struct UserFields: ParsableArguments {
        @Option(help: "A readable name.") var alias: String?
        @Option(help: "The user's email address.") var email: String?
        @Option(name: .customLong("model"), help: "A model group, access group or wildcard the user's keys may call (repeat; on update, replaces the list).")
        var models: [String] = []

        /// Writes the options given into `request`; on an update `--any-model` clears the model
        /// list and no `--model` leaves it as it is.
        func fill(_ request: inout some UserFieldsRequest, anyModel: Bool = false) {
            request.alias = alias
            request.email = email
            request.models = CLIParsing.modelList(models, any: anyModel)
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user and, unless --no-key, a key for it (printed once).",
            discussion: """
                Examples:
                  modelgate user new --user-id u-1 --model claude-opus-4-7
                  modelgate user new --user-id u-2 --email a@example.com --no-key
                """)

        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("user-id"), help: "The user id (a UUID is generated when absent).") var userID: String?
        @OptionGroup var fields: UserFields
        @Flag(help: "Do not create a key for the user.") var noKey = false

        func run() throws {
            var request = UserNewRequest(userID: userID, createKey: !noKey)
            fields.fill(&request)
            let made = try output.store.run { try $0.newUser(request) }
            output.show(made.user, else: made.user.id)
            if let key = made.key { CLIOutput.newKey(key) }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a user's model list, alias or email.",
            discussion: "Example:\n  modelgate user update u-1 --model claude-opus-4-7 --model 'gemini/*'")

        @OptionGroup var store: AdminStoreOptions
        @Argument(help: "The user id.") var userID: String
        @OptionGroup var fields: UserFields
        @Flag(help: "Remove the user's model list (no user-level limit).") var anyModel = false

        func validate() throws {
            if anyModel && !fields.models.isEmpty { throw ValidationError("give --model or --any-model, not both") }
        }

        func run() throws {
            var request = UserUpdateRequest(userID: userID)
            fields.fill(&request, anyModel: anyModel)
            let user = try store.run { try $0.updateUser(request) }
            print("updated \(user.id)")
        }
    }

    struct List: ListCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored users.",
            discussion: "Example:\n  modelgate user list")
        static let header = ["USER_ID", "ALIAS", "EMAIL", "MODELS"]

        @OptionGroup var listing: OutputOptions

        func fetch(_ operations: AdminOperations) throws -> [StoredUser] { try operations.listUsers() }

        static func row(_ user: StoredUser) -> [String] {
            [user.id, user.alias ?? "-", user.email ?? "-", CLIOutput.models(user.models)]
        }
    }
}
