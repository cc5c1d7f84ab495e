import ArgumentParser
import Foundation
import Logging
import ModelgateConfig
import ModelgateCore
import ModelgateStore

/// `modelgate key`: virtual keys in the database, offline (the same operations as the admin API).
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Manage virtual keys in the database.",
        discussion: """
            Works on the database directly (a SQLite file or a postgres:// URL); running services apply the change within a second. Keys are stored only as SHA-256 hashes: a generated key is printed once and cannot be shown again.
            """,
        subcommands: [Generate.self, List.self, Delete.self, Block.self, Unblock.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print it (once).",
            discussion: """
                Examples:
                  modelgate key generate --alias ci --team team-1 \\
                      --model claude-opus-4-7 --duration 30d
                  KEY=$(modelgate key generate --user u-1 --model 'bedrock/*')
                  modelgate key generate --team team-1 --json --model-config \\
                      '{"defaultconfig": {"bedrock": {"litellm_credentials": "br-1"}}}'
                """)

        @OptionGroup var store: AdminStoreOptions
        @Option(help: "The key's alias (unique).") var alias: String?
        @Option(help: "The team the key belongs to.") var team: String?
        @Option(help: "The user the key belongs to.") var user: String?
        @Option(name: .customLong("model"), help: "A model group, access group or wildcard the key may call (repeat; none means no key-level limit).")
        var models: [String] = []
        @Option(help: "Valid for this long: 30s, 20m, 1h, 7d, 2w, 1mo, 1y.") var duration: String?
        @Option(help: "Valid until this RFC 3339 time or date, e.g. 2027-01-01T00:00:00Z or 2027-01-01.") var expires: String?
        @Option(name: .customLong("tag"), help: "A tag (metadata.tags; repeat).") var tags: [String] = []
        @Option(name: .customLong("model-config"), help: "metadata.model_config as JSON.") var modelConfig: String?
        @Option(help: "metadata as a JSON object.") var metadata: String?
        @Flag(help: "Create the key blocked.") var blocked = false
        @Option(help: "Register this sk-… key instead of generating one (avoid: it lands in shell history).") var key: String?
        @Flag(help: "Print the /key/generate JSON instead of only the key.") var json = false

        func run() throws {
            var request = KeyGenerateRequest()
            request.key = key
            request.alias = alias
            request.teamID = team
            request.userID = user
            request.models = models
            request.blocked = blocked
            request.expiry = try CLIParsing.expiry(duration: duration, expires: expires) ?? .never
            request.metadata = try metadata.map { try CLIParsing.object($0, option: "--metadata") } ?? [:]
            request.tags = tags.isEmpty ? nil : tags
            request.modelConfig = try modelConfig.map { .object(try CLIParsing.object($0, option: "--model-config")) }
            let generated = try store.run { try $0.generateKey(request) }
            if json {
                print(CLIOutput.json(generated))
            } else {
                print(generated.key)
                CLIOutput.note("\(generated.stored.keyName) token \(generated.stored.hash.hex): keep the key now, it is not shown again")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored keys (never the keys themselves).",
            discussion: """
                Examples:
                  modelgate key list
                  modelgate key list --team team-1 --json
                """)

        @OptionGroup var store: AdminStoreOptions
        @Option(help: "Only this team's keys.") var team: String?
        @Option(help: "Only this user's keys.") var user: String?
        @Flag(help: "Print JSON.") var json = false

        static func row(_ key: StoredKey) -> [String] {
            let models = key.models.isEmpty ? "(any)" : key.models.joined(separator: ",")
            let expires = key.expires.map(CLIOutput.time) ?? "never"
            return [String(key.hash.hex.prefix(12)), key.keyName, key.alias ?? "-", key.teamID ?? "-", key.userID ?? "-",
                    models, key.blocked ? "yes" : "no", expires]
        }

        func run() throws {
            let keys = try store.run { try $0.listKeys(teamID: team, userID: user) }
            if json {
                print(CLIOutput.json(keys))
                return
            }
            CLIOutput.table(
                header: ["TOKEN", "KEY_NAME", "ALIAS", "TEAM", "USER", "MODELS", "BLOCKED", "EXPIRES"],
                rows: keys.map(Self.row))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete keys by key, token (hash) or alias.",
            discussion: """
                Examples:
                  modelgate key delete "$KEY"
                  modelgate key delete 3f1c…e9   (a token from 'key list --json')
                  modelgate key delete --alias ci
                """)

        @OptionGroup var store: AdminStoreOptions
        @Argument(help: "Keys (sk-…) or their tokens.") var keys: [String] = []
        @Option(name: .customLong("alias"), help: "Delete the key with this alias (repeat).") var aliases: [String] = []

        func run() throws {
            let count = try store.run { try $0.deleteKeys(references: keys, aliases: aliases) }
            print("deleted \(count) key\(count == 1 ? "" : "s")")
        }
    }

    struct Block: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block a key: every check with it is denied key_blocked.",
            discussion: "Example:\n  modelgate key block 3f1c…e9")

        @OptionGroup var store: AdminStoreOptions
        @Argument(help: "The key (sk-…) or its token.") var key: String

        func run() throws {
            let stored = try store.run { try $0.setKeyBlocked(key, blocked: true) }
            print("blocked \(stored.keyName) (\(stored.alias ?? stored.hash.hex))")
        }
    }

    struct Unblock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unblock a key.",
            discussion: "Example:\n  modelgate key unblock 3f1c…e9")

        @OptionGroup var store: AdminStoreOptions
        @Argument(help: "The key (sk-…) or its token.") var key: String

        func run() throws {
            let stored = try store.run { try $0.setKeyBlocked(key, blocked: false) }
            print("unblocked \(stored.keyName) (\(stored.alias ?? stored.hash.hex))")
        }
    }
}

/// `--database` (and `--config`, for the teams it defines) shared by the admin commands.
struct AdminStoreOptions: ParsableArguments {
    @Option(help: "SQLite file (created and migrated when missing) or postgres:// URL; default MODELGATE_DATABASE_URL, else ./modelgate.sqlite.")
    var database: String?

    @Option(help: "A config file whose static teams keys may also name.")
    var config: String?

    /// Opens the database and runs `operation`; a refused operation prints its reason and
    /// exits 1, a database that cannot be opened exits 2.
    func run<T>(_ operation: (AdminOperations) throws -> T) throws -> T {
        var logger = Logger(label: "modelgate.admin")
        logger.logLevel = .warning
        let environment = ProcessInfo.processInfo.environment
        let storage: any PolicyStorage
        do {
            storage = try DatabaseArgument.open(DatabaseArgument.resolve(flag: database, environment: environment), logger: logger)
        } catch {
            CLIOutput.error(error.description)
            throw ExitCode(2)
        }
        var teamIDs: Set<String> = []
        if let config {
            do {
                let text = try String(contentsOfFile: config, encoding: .utf8)
                teamIDs = Set(try GatewayConfig.parse(yaml: text, environment: environment).parts.teams.map(\.id))
            } catch {
                CLIOutput.error("cannot load the config file \(config):\n\(error)")
                throw ExitCode(2)
            }
        }
        defer { storage.close() }
        let operations = AdminOperations(
            storage: storage, cipher: CredentialCipher(environment: environment), logger: logger,
            staticTeamIDs: { [teamIDs] in teamIDs })
        do {
            return try operation(operations)
        } catch let error as AdminError {
            CLIOutput.error(error.message)
            throw ExitCode(1)
        }
    }
}

/// Turning command-line text into request values.
enum CLIParsing {
    static func object(_ text: String, option: String) throws -> [String: JSONValue] {
        guard let object = JSONValue.parse(text)?.objectValue else {
            throw ValidationError("\(option) must be a JSON object")
        }
        return object
    }

    static func expiry(duration: String?, expires: String?) throws -> KeyExpiry? {
        switch (duration, expires) {
        case (.some, .some):
            throw ValidationError("give --duration or --expires, not both")
        case (let duration?, nil):
            if duration == "-1" || duration == "never" { return .never }
            guard let parsed = KeyDuration(duration) else {
                throw ValidationError("--duration must look like 30s, 20m, 1h, 7d, 2w, 1mo or 1y")
            }
            return .after(parsed)
        case (nil, let expires?):
            guard let date = ExpiryDate.parse(expires) else {
                throw ValidationError("--expires must be \(ExpiryDate.expected)")
            }
            return .at(date)
        case (nil, nil):
            return nil
        }
    }
}

/// What the admin commands print.
enum CLIOutput {
    static func json(_ value: some AdminJSONRenderable) -> String { value.adminJSON.prettyText }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("modelgate: " + message + "\n").utf8))
    }

    static func time(_ date: Date) -> String { date.formatted(.iso8601) }

    /// Left-aligned columns, two spaces apart.
    static func table(header: [String], rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }
}
