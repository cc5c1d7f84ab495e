import Foundation
import ModelgateCore
import ModelgateTestSupport

/// The attack corpus's own config (Vectors/attacks.json), for requests a vector file cannot
/// carry through every front (raw control bytes, request-line oddities) or should not store
/// (megabytes of body).
enum AttackPolicy {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let allKey = "sk-atk-all"
    static let miniKey = "sk-atk-mini"
    static let opusKey = "sk-atk-opus"
    static let opus = "global.anthropic.claude-opus-4-7"

    static func suite() throws -> VectorSuite {
        guard let suite = try TestVectors.all().first(where: { $0.file == "attacks.json" }) else {
            throw VectorError("attacks.json is missing from the vectors")
        }
        return suite
    }

    /// The attack config, optionally with another body limit.
    static func snapshot(maxBodyBytes: Int? = nil) throws -> PolicySnapshot {
        let suite = try suite()
        guard let maxBodyBytes else { return try suite.snapshot() }
        let snapshot = try suite.snapshot()
        var settings = snapshot.settings
        settings.maxBodyBytes = maxBodyBytes
        return PolicySnapshot(parts: PolicyParts(
            deployments: snapshot.catalog.deployments, keys: Array(snapshot.keys.values), teams: Array(snapshot.teams.values),
            users: Array(snapshot.users.values), credentials: Array(snapshot.credentials.values), settings: settings))
    }

    static func decide(
        _ method: String, _ target: String, headers: [(String, String)], body: RequestBody = .empty,
        in snapshot: PolicySnapshot
    ) -> Decision {
        DecisionEngine.decide(
            CheckRequest(method: method, rawTarget: target, headers: HeaderFields(headers), body: body), in: snapshot, now: now)
    }

    static func bearer(_ key: String, contentType: String = "application/json") -> [(String, String)] {
        [("authorization", "Bearer \(key)"), ("content-type", contentType)]
    }

    static let chatMini = Array(#"{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}"#.utf8)
    static let converse = Array(#"{"messages": [{"role": "user", "content": [{"text": "hi"}]}]}"#.utf8)
}
