import Foundation
import ModelgateTestSupport
import Testing

/// Runs the admin commands against a temporary database and checks their effect the way a user
/// would: through `modelgate check` on the same database.
struct AdminCLI {
    static let config = """
        model_list:
          - model_name: claude
            litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-6 }
          - model_name: gpt-4o
            litellm_params: { model: openai/gpt-4o }
        """

    let directory: URL
    /// A SQLite file in `directory`, or a fresh PostgreSQL database (`TestBackend`).
    let database: String
    var environment: [String: String] = [:]

    init() throws {
        directory = try CLI.temporaryDirectory()
        database = try TestBackend.freshDatabase(sqlitePath: directory.appendingPathComponent("policy.sqlite").path)
        try Self.config.write(to: configFile, atomically: true, encoding: .utf8)
    }

    var configFile: URL { directory.appendingPathComponent("config.yaml") }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// `modelgate <arguments> --database <the temporary file>`.
    func run(_ arguments: [String]) async throws -> CLI.Result {
        try await CLI.run(arguments + ["--database", database], environment: environment, in: directory)
    }

    /// Like `run`, expecting exit 0; returns standard output.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await run(arguments)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): exit \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Creates a key and returns it (standard output holds only the key).
    func generateKey(_ arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let output = try await succeed(["key", "generate"] + arguments, sourceLocation: sourceLocation)
        let key = output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("sk-") && !key.contains("\n"), "\(output)", sourceLocation: sourceLocation)
        return key
    }

    /// The reason `modelgate check` gives for `key` calling `model` (nil on allow).
    func reason(key: String, model: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
        let body = directory.appendingPathComponent("body-\(UUID().uuidString).json")
        try #"{"model": "\#(model)", "messages": []}"#.write(to: body, atomically: true, encoding: .utf8)
        let result = try await CLI.run(
            ["check", "--config", configFile.path, "--database", database, "--method", "POST", "--path", "/v1/chat/completions",
             "-H", "Authorization: Bearer \(key)", "-H", "Content-Type: application/json", "--body", body.path],
            environment: environment, in: directory)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "check: exit \(result.status), stdout: \(result.stdout), stderr: \(result.stderr)", sourceLocation: sourceLocation)
        let allow = document["allow"] as? Bool
        #expect(result.status == (allow == true ? 0 : 1), sourceLocation: sourceLocation)
        return allow == true ? nil : document["reason"] as? String
    }

    /// `<command> list --json` as objects.
    func list(_ command: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        let output = try await succeed([command, "list", "--json"], sourceLocation: sourceLocation)
        return try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]], "\(output)", sourceLocation: sourceLocation)
    }
}

/// `modelgate key generate|list|delete|block|unblock`.
@Suite struct KeyCommandTests {
    @Test func generatePrintsOnlyTheKeyAndTheKeyWorks() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        let result = try await cli.run(["key", "generate", "--alias", "ci", "--model", "claude"])
        #expect(result.status == 0, "\(result.stderr)")
        let key = result.stdout.trimmingCharacters(in: .newlines)
        #expect(key.hasPrefix("sk-") && key.count > 40 && !key.contains("\n"))
        #expect(result.stderr.contains("sk-...\(key.suffix(4))"), "\(result.stderr)")
        #expect(try await cli.reason(key: key, model: "claude") == nil)
        #expect(try await cli.reason(key: key, model: "gpt-4o") == "key_model_access_denied")
        #expect(try await cli.reason(key: key + "x", model: "claude") == "invalid_key")
    }

    @Test("with a LiteLLM database the policy commands refuse, as the admin API's 405 does, and write nothing")
    func liteLLMDatabaseRefuses() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "postgres://ro:Secret-pw@127.0.0.1:1/litellm"
        for (arguments, environment) in [
            (["key", "generate", "--litellm-database", url], [:]),
            (["key", "block", "sk-x"], ["MODELGATE_LITELLM_DATABASE_URL": url]),
            (["team", "new", "--team-id", "t"], ["MODELGATE_LITELLM_DATABASE_URL": url]),
            (["credential", "list"], ["MODELGATE_LITELLM_DATABASE_URL": url]),
        ] as [([String], [String: String])] {
            let result = try await CLI.run(arguments, environment: environment, in: directory)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("managed in LiteLLM"), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Secret-pw"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("modelgate.sqlite").path))
    }

    @Test func listShowsTheKeysButNeverAKey() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        let key = try await cli.generateKey(["--alias", "ci", "--model", "claude", "--model", "gpt-4o", "--tag", "prod"])
        let table = try await cli.succeed(["key", "list"])
        #expect(table.contains("ci") && table.contains("claude,gpt-4o") && table.contains("never"), "\(table)")
        #expect(!table.contains(key))
        let keys = try await cli.list("key")
        try #require(keys.count == 1)
        #expect(keys[0]["key_alias"] as? String == "ci")
        #expect(keys[0]["models"] as? [String] == ["claude", "gpt-4o"])
        #expect(!(try await cli.succeed(["key", "list", "--json"])).contains(key))
    }

    @Test func blockUnblockAndDelete() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        let key = try await cli.generateKey(["--alias", "ci"])
        let other = try await cli.generateKey(["--alias", "other"])
        #expect(try await cli.succeed(["key", "block", key]).hasPrefix("blocked "))
        #expect(try await cli.reason(key: key, model: "claude") == "key_blocked")
        #expect(try await cli.succeed(["key", "unblock", key]).hasPrefix("unblocked "))
        #expect(try await cli.reason(key: key, model: "claude") == nil)
        #expect(try await cli.succeed(["key", "delete", "--alias", "ci"]) == "deleted 1 key\n")
        #expect(try await cli.reason(key: key, model: "claude") == "invalid_key")
        #expect(try await cli.reason(key: other, model: "claude") == nil)
        let missing = try await cli.run(["key", "delete", "--alias", "ci"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("modelgate: "), "\(missing.stderr)")
    }

    /// One expiry format for the CLI, the admin API and the config file (ExpiryDate).
    @Test func expiresTakesEveryRFC3339FormAndABareDate() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        for (index, text) in ["2099-01-01", "2099-01-01T00:00:00.5Z", "2099-01-01T02:00:00+02:00", "2099-01-01T00:00:00Z"].enumerated() {
            let key = try await cli.generateKey(["--alias", "k\(index)", "--expires", text])
            #expect(try await cli.reason(key: key, model: "claude") == nil, "\(text)")
        }
        let expires = try await cli.list("key").compactMap { $0["expires"] as? String }
        #expect(expires.count == 4)
        #expect(expires.allSatisfy { $0.hasPrefix("2099-01-01T00:00:0") }, "\(expires)")

        let past = try await cli.generateKey(["--alias", "past", "--expires", "2001-01-01"])
        #expect(try await cli.reason(key: past, model: "claude") == "key_expired")
    }

    @Test(arguments: ["2099-01-01T00:00:00", "2099-01-01 00:00:00Z", "2099-02-30", "tomorrow"])
    func expiresRefusesOtherText(text: String) async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        let result = try await cli.run(["key", "generate", "--expires", text])
        #expect(result.status == 2, "\(text): \(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("--expires must be"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func usageAndRefusals() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        let both = try await cli.run(["key", "generate", "--duration", "1d", "--expires", "2099-01-01"])
        #expect(both.status == 2, "\(both.stderr)")
        let badDuration = try await cli.run(["key", "generate", "--duration", "soon"])
        #expect(badDuration.status == 2)
        let unknownTeam = try await cli.run(["key", "generate", "--team", "no-such-team"])
        #expect(unknownTeam.status == 1, "\(unknownTeam.stderr)")
        #expect(unknownTeam.stderr.hasPrefix("modelgate: "))
        #expect(try await cli.list("key").isEmpty)

        let directoryAsDatabase = try await CLI.run(["key", "list", "--database", cli.directory.path], in: cli.directory)
        #expect(directoryAsDatabase.status == 2, "\(directoryAsDatabase.stderr)")
    }
}
