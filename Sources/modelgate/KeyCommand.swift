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
        @OptionGroup var policy: PolicyOptions
        @Option(help: "Valid for this long: 30s, 20m, 1h, 7d, 2w, 1mo, 1y.") var duration: String?
        @Option(help: "Valid until this RFC 3339 time or date, e.g. 2027-01-01T00:00:00Z or 2027-01-01.") var expires: String?
        @Flag(help: "Create the key blocked.") var blocked = false
        @Option(help: "Register this sk-… key instead of generating one (avoid: it lands in shell history).") var key: String?
        @Flag(help: "Print the /key/generate JSON instead of only the key.") var json = false

        func run() throws {
            var request = KeyGenerateRequest(key: nil)
            request.key = key
            request.alias = alias
            request.teamID = team
            request.userID = user
            request.blocked = blocked
            request.expiry = try CLIParsing.expiry(duration: duration, expires: expires) ?? .never
            try policy.fill(&request)
            let generated = try store.run { try $0.generateKey(request) }
            if json {
                print(CLIOutput.json(generated))
            } else {
                CLIOutput.newKey(generated)
            }
        }
    }

    struct List: ListCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored keys (never the keys themselves).",
            discussion: """
                Examples:
                  modelgate key list
                  modelgate key list --team team-1 --json
                """)
        static let header = ["TOKEN", "KEY_NAME", "ALIAS", "TEAM", "USER", "MODELS", "BLOCKED", "EXPIRES"]

        @OptionGroup var listing: OutputOptions
        @Option(help: "Only this team's keys.") var team: String?
        @Option(help: "Only this user's keys.") var user: String?

        func fetch(_ operations: AdminOperations) throws -> [StoredKey] { try operations.listKeys(teamID: team, userID: user) }

        static func row(_ key: StoredKey) -> [String] {
            [String(key.hash.hex.prefix(12)), key.keyName, key.alias ?? "-", key.teamID ?? "-", key.userID ?? "-",
             CLIOutput.models(key.models), key.blocked ? "yes" : "no", key.expires.map(CLIOutput.time) ?? "never"]
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
            print("deleted \(CLIOutput.count(count, "key"))")
        }
    }

    struct Block: BlockCommand {
        static let configuration = blockConfiguration(
            abstract: "Block a key: every check with it is denied key_blocked.", example: "modelgate key block 3f1c…e9")
        static let blocked = true
        @OptionGroup var target: KeyTarget
    }

    struct Unblock: BlockCommand {
        static let configuration = blockConfiguration(abstract: "Unblock a key.", example: "modelgate key unblock 3f1c…e9")
        static let blocked = false
        @OptionGroup var target: KeyTarget
    }

    /// `block` and `unblock`: one command, two settings.
    protocol BlockCommand: ParsableCommand {
        static var blocked: Bool { get }
        var target: KeyTarget { get }
    }

    /// The key `block` and `unblock` act on.
    struct KeyTarget: ParsableArguments {
        @OptionGroup var store: AdminStoreOptions
        @Argument(help: "The key (sk-…) or its token.") var key: String

        func setBlocked(_ blocked: Bool) throws {
            let stored = try store.run { try $0.setKeyBlocked(key, blocked: blocked) }
            print("\(blocked ? "blocked" : "unblocked") \(stored.keyName) (\(stored.alias ?? stored.hash.hex))")
        }
    }
}

extension KeyCommand.BlockCommand {
    static func blockConfiguration(abstract: String, example: String) -> CommandConfiguration {
        CommandConfiguration(abstract: abstract, discussion: "Example:\n  " + example)
    }

    func run() throws { try target.setBlocked(Self.blocked) }
}
