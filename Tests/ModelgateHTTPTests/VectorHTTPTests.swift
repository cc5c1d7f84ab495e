import Foundation
import ModelgateTestSupport
import Testing

/// Every public vector through the real server, in each HTTP request style: the same decision
/// must come out of nginx `/check`, Envoy `/check/…` and `/v1/decision`.
@Suite struct VectorHTTPTests {
    /// Credential headers: their values are `***` in a decision document.
    static let credentialHeaders: Set<String> = ["authorization", "api-key", "x-api-key", "x-goog-api-key"]

    @Test func nginxStyle() async throws {
        try await forEveryCase { front, vector in
            var headers = vector.headers
            headers.append(("X-Original-Method", vector.method))
            headers.append(("X-Original-URI", vector.path))
            let body = vector.body.map { Array($0.utf8) }
            if let body { headers.append(("X-Original-Content-Length", String(body.count))) }
            let response = try await front.exchange(method: body == nil ? "GET" : "POST", target: "/check", headers: headers, body: body)
            return Self.mismatches(check: response, expected: vector.expect)
        }
    }

    @Test func envoyStyle() async throws {
        try await forEveryCase { front, vector in
            let response = try await front.exchange(
                method: vector.method, target: "/check" + vector.path, headers: vector.headers,
                body: vector.body.map { Array($0.utf8) })
            return Self.mismatches(check: response, expected: vector.expect)
        }
    }

    @Test func decisionDocument() async throws {
        try await forEveryCase { front, vector in
            var query: [String: Any] = [
                "method": vector.method, "path": vector.path,
                "headers": Dictionary(vector.headers, uniquingKeysWith: { first, _ in first }),
            ]
            if let body = vector.body { query["body"] = body }
            let response = try await front.exchange(
                method: "POST", target: "/v1/decision", headers: [("Content-Type", "application/json")],
                body: Array(try JSONSerialization.data(withJSONObject: query)))
            return Self.mismatches(document: response, expected: vector.expect)
        }
    }

    /// Starts one front per vector file and runs `check` on each case; reports every mismatch.
    private func forEveryCase(_ check: (RunningFront, VectorCase) async throws -> [String]) async throws {
        let suites = try TestVectors.all()
        #expect(!suites.isEmpty)
        for suite in suites {
            let front = try await RunningFront.start(configYAML: suite.configJSON)
            for vector in suite.cases {
                let problems = try await check(front, vector)
                #expect(problems.isEmpty, "\(suite.file) / \(vector.name): \(problems.joined(separator: "; "))")
            }
            try await front.stop()
        }
    }

    /// Compares a `/check` answer with a vector's expectation (CONTRACT §4 and §7).
    static func mismatches(check response: TestResponse, expected: VectorExpectation) -> [String] {
        var problems: [String] = []
        func expect(_ name: String, _ actual: String?, _ wanted: String?) {
            if let wanted, actual != wanted { problems.append("\(name) is \(actual ?? "absent"), expected \(wanted)") }
        }
        if response.status != expected.status { problems.append("status \(response.status), expected \(expected.status)") }
        if expected.allow {
            if response.status != 200 { problems.append("denied with \(response.header("x-modelgate-reason") ?? "?")") }
            if !response.body.isEmpty { problems.append("allow with a body") }
            for name in ["x-modelgate-model-group", "x-modelgate-model-id", "x-modelgate-provider",
                         "x-modelgate-key-alias", "x-modelgate-team-id", "x-modelgate-user-id"]
            where response.header(name) == nil {
                problems.append("allow without \(name)")
            }
            expect("x-modelgate-model-group", response.header("x-modelgate-model-group"), expected.modelGroup)
            expect("x-modelgate-provider", response.header("x-modelgate-provider"), expected.provider)
            for (name, value) in expected.upstreamHeaders { expect(name, response.header(name), value) }
        } else {
            expect("x-modelgate-reason", response.header("x-modelgate-reason"), expected.reason)
            // The JSON error, in the body and repeated in a header.
            let error = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
            let inner = error?["error"] as? [String: Any]
            if let reason = expected.reason, inner?["type"] as? String != reason {
                problems.append("error body type is \(inner?["type"] ?? "absent"), expected \(reason)")
            }
            if inner?["code"] as? String != String(expected.status) { problems.append("error body code is \(inner?["code"] ?? "absent")") }
            if response.header("x-modelgate-error") != response.body { problems.append("x-modelgate-error differs from the body") }
        }
        return problems
    }

    /// Compares a `/v1/decision` document with a vector's expectation.
    static func mismatches(document response: TestResponse, expected: VectorExpectation) -> [String] {
        guard response.status == 200 else { return ["/v1/decision answered \(response.status): \(response.body)"] }
        guard let document = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] else {
            return ["/v1/decision body is not a JSON object: \(response.body)"]
        }
        var problems: [String] = []
        if document["allow"] as? Bool != expected.allow { problems.append("allow is \(document["allow"] ?? "absent")") }
        if document["status"] as? Int != expected.status { problems.append("status is \(document["status"] ?? "absent"), expected \(expected.status)") }
        if let reason = expected.reason, document["reason"] as? String != reason {
            problems.append("reason is \(document["reason"] ?? "absent"), expected \(reason)")
        }
        if let group = expected.modelGroup, document["model_group"] as? String != group {
            problems.append("model_group is \(document["model_group"] ?? "absent"), expected \(group)")
        }
        if let provider = expected.provider, document["provider"] as? String != provider {
            problems.append("provider is \(document["provider"] ?? "absent"), expected \(provider)")
        }
        let upstream = document["upstream_headers"] as? [String: String] ?? [:]
        for (name, value) in expected.upstreamHeaders {
            let shown = credentialHeaders.contains(name) ? "***" : value
            if upstream[name] != shown { problems.append("upstream \(name) is \(upstream[name] ?? "absent"), expected \(shown)") }
        }
        return problems
    }
}
