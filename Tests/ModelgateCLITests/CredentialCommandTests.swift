import Foundation
import Testing

/// `modelgate credential add|list|delete`: values encrypted under MODELGATE_SECRET_KEY, never shown.
@Suite struct CredentialCommandTests {
    static let secretKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    static let providerValue = "provider-value-4f1b9c"

    static func cli() throws -> AdminCLI {
        var cli = try AdminCLI()
        cli.environment = ["MODELGATE_SECRET_KEY": secretKey, "BEDROCK_KEY": providerValue]
        return cli
    }

    @Test func addListAndDeleteNeverShowTheValue() async throws {
        let cli = try Self.cli()
        defer { cli.remove() }
        let added = try await cli.succeed(["credential", "add", "br-1", "--provider", "bedrock", "--api-key-env", "BEDROCK_KEY"])
        #expect(added.hasPrefix("stored br-1 (bedrock"), "\(added)")
        #expect(added.contains("api_key"))
        let table = try await cli.succeed(["credential", "list"])
        #expect(table.contains("br-1") && table.contains("bedrock") && table.contains("api_key"), "\(table)")
        let json = try await cli.succeed(["credential", "list", "--json"])
        #expect(json.contains("***"))
        for output in [added, table, json] { #expect(!output.contains(Self.providerValue)) }
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: cli.database + suffix))) ?? Data()
            #expect(bytes.range(of: Data(Self.providerValue.utf8)) == nil, "value in the database file\(suffix)")
        }
        #expect(try await cli.succeed(["credential", "delete", "br-1"]) == "deleted br-1\n")
        #expect(try await cli.list("credential").isEmpty)
    }

    @Test func aTeamsCredentialIsChosenAndDeletingItMakesItUnavailable() async throws {
        let cli = try Self.cli()
        defer { cli.remove() }
        try await cli.succeed(["credential", "add", "br-1", "--provider", "bedrock", "--api-key-env", "BEDROCK_KEY"])
        try await cli.succeed(["team", "new", "--team-id", "team-1", "--model-config",
                               #"{"defaultconfig": {"bedrock": {"litellm_credentials": "br-1"}}}"#])
        let key = try await cli.generateKey(["--team", "team-1"])
        #expect(try await cli.reason(key: key, model: "claude") == nil)
        try await cli.succeed(["credential", "delete", "br-1"])
        #expect(try await cli.reason(key: key, model: "claude") == "credential_unavailable")
    }

    @Test func withoutTheSecretKeyNothingIsStored() async throws {
        var cli = try Self.cli()
        defer { cli.remove() }
        cli.environment["MODELGATE_SECRET_KEY"] = nil
        let refused = try await cli.run(["credential", "add", "br-1", "--api-key-env", "BEDROCK_KEY"])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("MODELGATE_SECRET_KEY"), "\(refused.stderr)")
        #expect(!refused.stderr.contains(Self.providerValue))
        #expect(try await cli.list("credential").isEmpty)
    }

    @Test func anotherSecretKeyCannotDecrypt() async throws {
        var cli = try Self.cli()
        defer { cli.remove() }
        try await cli.succeed(["credential", "add", "br-1", "--provider", "bedrock", "--api-key-env", "BEDROCK_KEY"])
        cli.environment["MODELGATE_SECRET_KEY"] = String(repeating: "f", count: 64)
        let table = try await cli.succeed(["credential", "list"])
        #expect(table.contains("cannot decrypt"), "\(table)")
    }

    @Test func aValueMustBeGiven() async throws {
        let cli = try Self.cli()
        defer { cli.remove() }
        let none = try await cli.run(["credential", "add", "br-1"])
        #expect(none.status == 2, "\(none.stderr)")
        let unset = try await cli.run(["credential", "add", "br-1", "--api-key-env", "NO_SUCH_VARIABLE"])
        #expect(unset.status == 2, "\(unset.stderr)")
        let emptyStdin = try await cli.run(["credential", "add", "br-1", "--api-key-stdin"])
        #expect(emptyStdin.status == 2, "\(emptyStdin.stderr)")
        let badPair = try await cli.run(["credential", "add", "br-1", "--value", "=x"])
        #expect(badPair.status == 2, "\(badPair.stderr)")
        #expect(try await cli.list("credential").isEmpty)
        let missing = try await cli.run(["credential", "delete", "no-such"])
        #expect(missing.status == 1, "\(missing.stderr)")
    }
}
