import Foundation
import Testing

/// `modelgate user new|update|list`.
@Suite struct UserCommandTests {
    @Test func newPrintsTheUserAndItsKeyWhichTheUsersListLimits() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        let result = try await cli.run(["user", "new", "--user-id", "u-1", "--email", "a@example.com", "--model", "claude"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(result.stdout)")
        #expect(lines[0] == "u-1")
        let key = lines[1]
        #expect(key.hasPrefix("sk-"))
        #expect(try await cli.reason(key: key, model: "claude") == nil)
        #expect(try await cli.reason(key: key, model: "gpt-4o") == "user_model_access_denied")

        #expect(try await cli.succeed(["user", "new", "--user-id", "u-2", "--no-key"]) == "u-2\n")
        let users = try await cli.list("user")
        #expect(users.compactMap { $0["user_id"] as? String }.sorted() == ["u-1", "u-2"])
        #expect(users.first { $0["user_id"] as? String == "u-1" }?["user_email"] as? String == "a@example.com")
    }

    @Test func updateReplacesOrRemovesTheList() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        try await cli.succeed(["user", "new", "--user-id", "u-1", "--model", "claude", "--no-key"])
        let key = try await cli.generateKey(["--user", "u-1"])
        #expect(try await cli.succeed(["user", "update", "u-1", "--model", "gpt-4o"]) == "updated u-1\n")
        #expect(try await cli.reason(key: key, model: "gpt-4o") == nil)
        #expect(try await cli.reason(key: key, model: "claude") == "user_model_access_denied")
        try await cli.succeed(["user", "update", "u-1", "--any-model"])
        #expect(try await cli.reason(key: key, model: "claude") == nil)
        #expect(try await cli.list("user").first?["models"] as? [String] == [])
    }

    /// `--model` with `--any-model` used to clear the list silently (the flag won); it is a usage
    /// error, as on `team update`, and the stored list stays.
    @Test func modelWithAnyModelIsAUsageErrorAndChangesNothing() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        try await cli.succeed(["user", "new", "--user-id", "u-1", "--model", "claude", "--no-key"])
        let key = try await cli.generateKey(["--user", "u-1"])
        let both = try await cli.run(["user", "update", "u-1", "--model", "gpt-4o", "--any-model"])
        #expect(both.status == 2, "\(both.stdout) \(both.stderr)")
        #expect(both.stderr.contains("--any-model"), "\(both.stderr)")
        #expect(try await cli.list("user").first?["models"] as? [String] == ["claude"])
        #expect(try await cli.reason(key: key, model: "gpt-4o") == "user_model_access_denied")
    }

    @Test func refusals() async throws {
        let cli = try AdminCLI()
        defer { cli.remove() }
        try await cli.succeed(["user", "new", "--user-id", "u-1", "--no-key"])
        let duplicate = try await cli.run(["user", "new", "--user-id", "u-1", "--no-key"])
        #expect(duplicate.status == 1, "\(duplicate.stderr)")
        #expect(duplicate.stderr.hasPrefix("modelgate: "))
        let missing = try await cli.run(["user", "update", "no-such-user", "--model", "claude"])
        #expect(missing.status == 1, "\(missing.stderr)")
    }
}
