import Foundation
import Logging
import ModelgateCore
import Testing
@testable import ModelgateStore

@Suite("Admin API")
final class AdminAPITests {
    let directory: TemporaryDirectory
    let service: PolicyService

    init() throws {
        directory = try TemporaryDirectory()
        service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)
    }

    deinit { directory.cleanup() }

    @Test("paths that are not admin routes are left to the caller")
    func notAdminRoutes() async {
        for path in ["/check", "/v1/chat/completions", "/key", "/key/generate/", "/credentials/", "/health/readiness"] {
            let answer = await service.admin.handle(method: "POST", path: path, query: [], headers: HeaderFields(), body: [])
            #expect(answer == nil, "\(path)")
        }
    }

    @Test("every admin route needs the master key")
    func unauthorized() async throws {
        let routes: [(String, String)] = [
            ("POST", "/key/generate"), ("POST", "/key/update"), ("POST", "/key/delete"), ("GET", "/key/info"),
            ("POST", "/key/block"), ("POST", "/key/unblock"), ("POST", "/team/new"), ("PATCH", "/team/update"),
            ("GET", "/team/info"), ("POST", "/team/delete"), ("POST", "/user/new"), ("POST", "/user/update"),
            ("GET", "/user/info"), ("POST", "/credentials"), ("GET", "/credentials"), ("PATCH", "/credentials/x"),
            ("DELETE", "/credentials/x"), ("POST", "/team/block"), ("POST", "/team/unblock"),
        ]
        for (method, path) in routes {
            for authorization in [nil, "Bearer sk-wrong", "Basic \(masterKey)", masterKey, "Bearer "] as [String?] {
                let answer = try await service.call(method, path, "{}", authorization: authorization)
                #expect(answer.status == 401, "\(method) \(path) with \(authorization ?? "nothing")")
                #expect(answer["error"]?["type"] == "auth_error")
                #expect(answer["error"]?["code"] == "401")
            }
        }
        #expect(service.holder.snapshot.keys.isEmpty)
        // The scheme is case-insensitive, as HTTP says.
        #expect(try await service.call("GET", "/credentials", authorization: "bearer \(masterKey)").status == 200)
    }

    @Test("with no master key configured every admin route is 401 and says why")
    func noMasterKey() async throws {
        let other = try TemporaryDirectory()
        defer { other.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: other.databasePath, environment: environment(master: false), logger: quietLogger)
        let answer = try await service.call("POST", "/key/generate", "{}")
        #expect(answer.status == 401)
        #expect(answer.errorMessage?.contains("no master key is configured") == true)
        #expect(service.holder.snapshot.keys.isEmpty)
    }

    @Test("key lifecycle: generate, info, update, block, unblock, delete")
    func keyLifecycle() async throws {
        _ = try await service.call("POST", "/team/new", #"{"team_id": "team-1", "team_alias": "research"}"#)
        let generated = try await service.call("POST", "/key/generate", #"""
            {"key_alias": "ci", "team_id": "team-1", "user_id": "u-1", "models": ["claude-opus-4-7"],
             "duration": "1h", "tags": ["batch"], "metadata": {"owner": "ops"}, "max_budget": 10}
            """#)
        #expect(generated.status == 200)
        let rawKey = try #require(generated["key"]?.stringValue)
        #expect(rawKey.hasPrefix("sk-"))
        #expect(rawKey.count >= 3 + 22)
        let token = KeyHash(hashing: rawKey).hex
        #expect(generated["token"] == .string(token))
        #expect(generated["token_id"] == .string(token))
        #expect(generated["key_name"] == .string("sk-...\(rawKey.suffix(4))"))
        #expect(generated["key_alias"] == "ci")
        #expect(generated["team_id"] == "team-1")
        #expect(generated["models"] == ["claude-opus-4-7"])
        #expect(generated["metadata"] == ["owner": "ops", "tags": ["batch"]])
        let expires = try #require(generated["expires"]?.stringValue.flatMap(ExpiryDate.parse))
        #expect(abs(expires.timeIntervalSinceNow - 3600) < 60)

        // Info by raw key and by hash; the answer never holds the raw key except as asked.
        for reference in [rawKey, token] {
            let info = try await service.call("GET", "/key/info", query: [("key", reference)])
            #expect(info.status == 200)
            #expect(info["info"]?["token"] == .string(token))
            #expect(info["info"]?["key_alias"] == "ci")
            #expect(info["info"]?["key"] == nil)
        }

        let updated = try await service.call("POST", "/key/update", #"{"key": "\#(rawKey)", "models": ["gpt-4o"], "key_alias": "ci-2", "duration": "-1"}"#)
        #expect(updated.status == 200)
        #expect(updated["models"] == ["gpt-4o"])
        #expect(updated["key_alias"] == "ci-2")
        #expect(updated["expires"] == .null)
        #expect(updated["metadata"] == ["owner": "ops", "tags": ["batch"]])
        let key = try #require(service.holder.snapshot.keys[KeyHash(hashing: rawKey)])
        #expect(key.models == ["gpt-4o"])
        #expect(key.expires == nil)
        #expect(key.tags == ["batch"])

        let blocked = try await service.call("POST", "/key/block", #"{"key": "\#(rawKey)"}"#)
        #expect(blocked["blocked"] == true)
        #expect(service.holder.snapshot.keys[KeyHash(hashing: rawKey)]?.blocked == true)
        let unblocked = try await service.call("POST", "/key/unblock", #"{"key": "\#(token)"}"#)
        #expect(unblocked["blocked"] == false)

        let list = try await service.call("GET", "/key/list")
        #expect(list["keys"] == .array([.string(token)]))

        let deleted = try await service.call("POST", "/key/delete", #"{"key_aliases": ["ci-2"]}"#)
        #expect(deleted.status == 200)
        #expect(service.holder.snapshot.keys.isEmpty)
        let gone = try await service.call("GET", "/key/info", query: [("key", rawKey)])
        #expect(gone.status == 404)
        #expect(gone["error"]?["type"] == "not_found_error")
    }

    @Test("an admin-supplied key is registered as given")
    func suppliedKey() async throws {
        let answer = try await service.call("POST", "/key/generate", #"{"key": "sk-my-own-key-1234"}"#)
        #expect(answer.status == 200)
        #expect(answer["key"] == "sk-my-own-key-1234")
        #expect(answer["key_name"] == "sk-...1234")
        #expect(service.holder.snapshot.keys[KeyHash(hashing: "sk-my-own-key-1234")] != nil)
        let again = try await service.call("POST", "/key/generate", #"{"key": "sk-my-own-key-1234"}"#)
        #expect(again.status == 400)
    }

    @Test("bad input is a 400 naming the problem, never a 500")
    func badInput() async throws {
        _ = try await service.call("POST", "/key/generate", #"{"key_alias": "taken"}"#)
        _ = try await service.call("POST", "/team/new", #"{"team_id": "team-1"}"#)
        _ = try await service.call("POST", "/credentials", #"{"credential_name": "c1", "credential_values": {"api_key": "v"}}"#)
        let cases: [(String, String, String, String)] = [
            ("POST", "/key/generate", "{not json", "not valid JSON"),
            ("POST", "/key/generate", "[1, 2]", "must be a JSON object"),
            ("POST", "/key/generate", #"{"models": "gpt-4o"}"#, "'models' must be a list of strings"),
            ("POST", "/key/generate", #"{"models": [1]}"#, "'models' must be a list of strings"),
            ("POST", "/key/generate", #"{"blocked": 1}"#, "'blocked' must be true or false"),
            ("POST", "/key/generate", #"{"blocked": "true"}"#, "'blocked' must be true or false"),
            ("POST", "/key/generate", #"{"team_id": "no-such-team"}"#, "team_id 'no-such-team' does not exist"),
            ("POST", "/key/generate", #"{"key_alias": "taken"}"#, "already used"),
            ("POST", "/key/generate", #"{"duration": "soon"}"#, "'duration' must be"),
            ("POST", "/key/generate", #"{"expires": "tomorrow"}"#, "'expires' must be an RFC 3339 time"),
            ("POST", "/key/generate", #"{"key": "not-an-sk-key"}"#, "must start with 'sk-'"),
            ("POST", "/key/generate", #"{"metadata": {"tags": "x"}}"#, "metadata.tags must be a list of strings"),
            ("POST", "/key/generate", #"{"metadata": {"model_config": {"defaultconfig": {"bedrock": "cred"}}}}"#, "metadata.model_config.defaultconfig.bedrock: expected"),
            ("POST", "/key/generate", #"{"model_config": {"g": {"bedrock": {"other": 1}}}}"#, "metadata.model_config.g.bedrock: expected"),
            ("POST", "/key/generate", #"{"model_config": "bedrock-cred"}"#, "'model_config' must be an object"),
            ("POST", "/key/generate", #"{"metadata": {"model_config": ["x"]}}"#, "metadata.model_config: expected an object"),
            ("POST", "/key/generate", #"{"allowed_routes": ["/chat/completions"]}"#, "'allowed_routes' is not enforced"),
            ("POST", "/key/generate", #"{"key_type": "management"}"#, "key_type 'management' is not enforced"),
            ("POST", "/key/update", #"{"models": []}"#, "'key' is required"),
            ("POST", "/key/block", "{}", "'key' is required"),
            ("POST", "/key/delete", "{}", "give the keys to delete"),
            ("POST", "/key/delete", #"{"keys": "sk-x"}"#, "'keys' must be a list of strings"),
            ("GET", "/key/info", "", "query parameter 'key' is required"),
            ("POST", "/team/new", #"{"team_id": "team-1"}"#, "already exists"),
            ("POST", "/team/new", #"{"team_id": ""}"#, "team_id must not be empty"),
            ("POST", "/team/update", #"{"models": ["a"]}"#, "'team_id' is required"),
            ("POST", "/team/update", #"{"team_id": "team-1", "metadata": []}"#, "'metadata' must be an object"),
            ("POST", "/team/delete", "{}", "give the teams to delete"),
            ("POST", "/credentials", #"{"credential_name": "c2"}"#, "'credential_values' is required"),
            ("POST", "/credentials", #"{"credential_name": "c2", "credential_values": {"api_key": 5}}"#, "'credential_values.api_key' must be a string"),
            ("POST", "/credentials", #"{"credential_name": "c2", "credential_values": {"api_key": "v"}, "credential_info": {"custom_llm_provider": 3}}"#, "custom_llm_provider must be a string"),
            ("POST", "/credentials", #"{"credential_name": "c1", "credential_values": {"api_key": "v"}}"#, "already exists"),
        ]
        for (method, path, body, expected) in cases {
            let answer = try await service.call(method, path, body)
            #expect(answer.status == 400, "\(method) \(path) \(body) → \(answer.body)")
            #expect(answer.errorMessage?.contains(expected) == true, "\(method) \(path) \(body) → \(answer.body)")
            #expect(answer["error"]?["type"] == "bad_request_error")
            #expect(answer["error"]?["code"] == "400")
        }
        // Nothing above changed the policy.
        #expect(service.holder.snapshot.keys.count == 1)
        #expect(service.holder.snapshot.teams.count == 1)
        #expect(service.holder.snapshot.credentials.count == 1)
    }

    @Test("duplicate query parameters are refused")
    func duplicateQuery() async throws {
        let answer = try await service.call("GET", "/key/info", query: [("key", "sk-a"), ("key", "sk-b")])
        #expect(answer.status == 400)
    }

    @Test("unknown objects are 404; wrong methods 405")
    func notFoundAndMethods() async throws {
        let cases: [(String, String, String, [(String, String)], Int)] = [
            ("POST", "/key/update", #"{"key": "sk-nope"}"#, [], 404),
            ("POST", "/key/block", #"{"key": "sk-nope"}"#, [], 404),
            ("POST", "/key/delete", #"{"keys": ["sk-nope"]}"#, [], 404),
            ("GET", "/key/info", "", [("key", "sk-nope")], 404),
            ("PATCH", "/team/update", #"{"team_id": "nope"}"#, [], 404),
            ("GET", "/team/info", "", [("team_id", "nope")], 404),
            ("POST", "/team/delete", #"{"team_ids": ["nope"]}"#, [], 404),
            ("POST", "/user/update", #"{"user_id": "nope"}"#, [], 404),
            ("GET", "/user/info", "", [("user_id", "nope")], 404),
            ("PATCH", "/credentials/nope", #"{"credential_values": {"api_key": "x"}}"#, [], 404),
            ("DELETE", "/credentials/nope", "", [], 404),
            ("GET", "/key/generate", "", [], 405),
            ("DELETE", "/team/new", "", [], 405),
            ("PUT", "/credentials", "", [], 405),
        ]
        for (method, path, body, query, status) in cases {
            let answer = try await service.call(method, path, body, query: query)
            #expect(answer.status == status, "\(method) \(path) → \(answer.body)")
            #expect(answer["error"] != nil)
        }
    }

    @Test("teams: new, update (POST and PATCH), info, delete with their keys")
    func teamLifecycle() async throws {
        let created = try await service.call("POST", "/team/new", #"{"team_alias": "anon", "models": ["a"]}"#)
        let generatedID = try #require(created["team_id"]?.stringValue)
        #expect(!generatedID.isEmpty)

        _ = try await service.call("POST", "/team/new", #"{"team_id": "team-1", "metadata": {"owner": "ops", "tags": ["x"]}}"#)
        // Top-level fields are written into the stored metadata when no metadata is given.
        let patched = try await service.call("PATCH", "/team/update", #"{"team_id": "team-1", "tags": ["y"], "blocked": true}"#)
        #expect(patched.status == 200)
        #expect(patched["data"]?["metadata"] == ["owner": "ops", "tags": ["y"]])
        #expect(service.holder.snapshot.teams["team-1"]?.blocked == true)
        #expect(service.holder.snapshot.teams["team-1"]?.tags == ["y"])
        // A given metadata replaces the stored one, as LiteLLM's /team/update does.
        let replaced = try await service.call("POST", "/team/update", #"{"team_id": "team-1", "metadata": {"new": 1}, "models": ["b"]}"#)
        #expect(replaced["data"]?["metadata"] == ["new": 1])
        #expect(service.holder.snapshot.teams["team-1"]?.models == ["b"])
        #expect(service.holder.snapshot.teams["team-1"]?.tags == [])
        // /team/block and /team/unblock, as LiteLLM: the team record back, the snapshot changed.
        let unblocked = try await service.call("POST", "/team/unblock", #"{"team_id": "team-1"}"#)
        #expect(unblocked["team_id"] == "team-1")
        #expect(unblocked["blocked"] == false)
        #expect(service.holder.snapshot.teams["team-1"]?.blocked == false)
        #expect(try await service.call("POST", "/team/block", #"{"team_id": "team-1"}"#)["blocked"] == true)
        #expect(service.holder.snapshot.teams["team-1"]?.blocked == true)
        #expect(try await service.call("POST", "/team/block", "{}").status == 400)
        #expect(try await service.call("POST", "/team/block", #"{"team_id": "nope"}"#).status == 404)

        let key = try await service.call("POST", "/key/generate", #"{"team_id": "team-1"}"#)
        let info = try await service.call("GET", "/team/info", query: [("team_id", "team-1")])
        #expect(info["team_info"]?["team_id"] == "team-1")
        #expect(info["keys"] == .array([.object(try #require(service.operations.listKeys(teamID: "team-1").first).json)]))

        let deleted = try await service.call("POST", "/team/delete", #"{"team_ids": ["team-1"]}"#)
        #expect(deleted["deleted_keys"] == 1)
        #expect(service.holder.snapshot.teams["team-1"] == nil)
        #expect(service.holder.snapshot.keys[KeyHash(hashing: try #require(key["key"]?.stringValue))] == nil)
        #expect(service.holder.snapshot.teams[generatedID] != nil)
    }

    @Test("users: new (with its key), update, info")
    func userLifecycle() async throws {
        let created = try await service.call("POST", "/user/new", #"{"user_id": "u-1", "user_email": "a@example.com", "models": ["a"]}"#)
        #expect(created.status == 200)
        #expect(created["user_id"] == "u-1")
        let rawKey = try #require(created["key"]?.stringValue)
        #expect(service.holder.snapshot.keys[KeyHash(hashing: rawKey)]?.userID == "u-1")
        #expect(service.holder.snapshot.users["u-1"]?.models == ["a"])

        let updated = try await service.call("POST", "/user/update", #"{"user_id": "u-1", "models": ["b"]}"#)
        #expect(updated["data"]?["models"] == ["b"])
        #expect(service.holder.snapshot.users["u-1"]?.models == ["b"])

        let info = try await service.call("GET", "/user/info", query: [("user_id", "u-1")])
        #expect(info["user_info"]?["user_email"] == "a@example.com")
        #expect(info["keys"]?.arrayCount == 1)

        let noKey = try await service.call("POST", "/user/new", #"{"user_id": "u-2", "auto_create_key": false}"#)
        #expect(noKey["key"] == .null)
        #expect(try await service.call("POST", "/user/new", #"{"user_id": "u-2"}"#).status == 400)
    }

    @Test("credentials: values are never returned; PATCH merges; DELETE removes")
    func credentialLifecycle() async throws {
        let created = try await service.call("POST", "/credentials", #"{"credential_name": "gem", "credential_values": {"api_key": "AIza-secret-value"}, "credential_info": {"custom_llm_provider": "gemini", "description": "team 1"}}"#)
        #expect(created.status == 200)
        #expect(created["success"] == true)

        let listed = try await service.call("GET", "/credentials")
        #expect(!listed.body.contains("AIza-secret-value"))
        let entry = try #require(listed["credentials"].flatMap { if case .array(let a) = $0 { a.first } else { nil } })
        #expect(entry["credential_name"] == "gem")
        #expect(entry["credential_info"] == ["custom_llm_provider": "gemini", "description": "team 1"])
        #expect(entry["credential_values"] == ["api_key": "***"])

        let patched = try await service.call("PATCH", "/credentials/gem", #"{"credential_values": {"api_key": "AIza-rotated"}, "credential_info": {"description": "rotated"}}"#)
        #expect(patched.status == 200)
        #expect(!patched.body.contains("AIza-rotated"))
        let credential = try #require(service.holder.snapshot.credentials["gem"])
        #expect(credential.apiKey?.reveal == "AIza-rotated")
        #expect(credential.provider == .gemini)

        let renamed = try await service.call("PATCH", "/credentials/gem", #"{"credential_name": "gem-2"}"#)
        #expect(renamed.status == 200)
        #expect(service.holder.snapshot.credentials["gem"] == nil)
        #expect(service.holder.snapshot.credentials["gem-2"]?.apiKey?.reveal == "AIza-rotated")

        // The front hands the path over decoded; a name may hold a space or a slash.
        _ = try await service.call("POST", "/credentials", #"{"credential_name": "team 1/bedrock", "credential_values": {"api_key": "b"}}"#)
        #expect(try await service.call("DELETE", "/credentials/team 1/bedrock").status == 200)
        #expect(try await service.call("DELETE", "/credentials/gem-2").status == 200)
        #expect(service.holder.snapshot.credentials.isEmpty)
    }

    @Test("without MODELGATE_SECRET_KEY a credential is refused with a message naming it")
    func credentialNeedsSecretKey() async throws {
        let other = try TemporaryDirectory()
        defer { other.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: other.databasePath, environment: environment(secret: false), logger: quietLogger)
        let answer = try await service.call("POST", "/credentials", #"{"credential_name": "c", "credential_values": {"api_key": "v"}}"#)
        #expect(answer.status == 400)
        #expect(answer.errorMessage == "MODELGATE_SECRET_KEY is not set; refusing to store a credential")
        #expect(try service.operations.listCredentials().isEmpty)
    }
}

extension JSONValue {
    var arrayCount: Int? {
        if case .array(let items) = self { return items.count }
        return nil
    }
}
