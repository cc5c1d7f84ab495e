import Foundation
import ModelgateCore
import Testing

/// A policy with short deadlines, a small shared body budget and a wildcard deployment (whose
/// model id is the name the client asked for).
enum LimitsFixture {
    static let key = "sk-limits-tester"
    static let master = "sk-master-limits"
    /// Deadlines long enough for a loaded machine unless a test shortens the one it is about.
    static func config(head: Double = 3, idle: Double = 6, body: Double = 5, buffered: Int = 6000) -> String {
        """
        model_list:
          - model_name: "openai/*"
            litellm_params: { model: "openai/*", api_key: sk-upstream-limits }
        keys:
          - { key: \(key), key_alias: tester, models: [] }
        modelgate_settings:
          max_body_bytes: 4096
          request_head_timeout_seconds: \(head)
          keepalive_idle_timeout_seconds: \(idle)
          request_body_timeout_seconds: \(body)
          max_buffered_body_bytes: \(buffered)
        """
    }
    static let auth = ("Authorization", "Bearer \(key)")
}

/// CONTRACT §4 "Limits on both fronts", on the HTTP front with real sockets.
@Suite struct FrontLimitsTests {
    @Test func stalledHeadsAreClosedAtTheDeadlineWhileChecksAreAnswered() async throws {
        let front = try await RunningFront.start(configYAML: LimitsFixture.config(head: 0.4))
        var stalled: [RawHTTPConnection] = []
        for index in 0..<50 {
            let connection = try await front.connect()
            // Half a head: the blank line that ends it never comes (some send nothing at all).
            if index % 2 == 0 { try await connection.send("POST /check HTTP/1.1\r\nHost: x\r\n") }
            stalled.append(connection)
        }
        let started = ContinuousClock.now
        let check = try await front.exchange(method: "GET", target: "/check/v1/models", headers: [LimitsFixture.auth])
        #expect(check.status == 200, "\(check)")
        #expect(ContinuousClock.now - started < .seconds(1))
        for connection in stalled {
            #expect(try await connection.waitForClose(timeout: .seconds(5)))
        }
        try await front.stop()
    }

    @Test func anIdleKeepAliveConnectionIsClosedAtTheIdleTimeoutNotTheHeadDeadline() async throws {
        let front = try await RunningFront.start(configYAML: LimitsFixture.config(head: 0.4, idle: 2.0))
        let connection = try await front.connect()
        try await connection.send(method: "GET", target: "/health/liveliness")
        #expect(try await connection.readResponse().status == 200)
        // Past the head deadline, before the idle timeout: still open.
        try await Task.sleep(for: .milliseconds(900))
        #expect(!(try await connection.waitForClose(timeout: .zero)))
        #expect(try await connection.waitForClose(timeout: .seconds(5)))
        try await front.stop()
    }

    @Test(arguments: ["/v1/decision", "/key/generate"])
    func aHalfSentBodyIsAnswered408AtTheBodyDeadline(target: String) async throws {
        let front = try await RunningFront.start(configYAML: LimitsFixture.config(body: 0.8))
        let connection = try await front.connect()
        let started = ContinuousClock.now
        try await connection.send(method: "POST", target: target, headers: [("Content-Type", "application/json")], body: nil, announce: 2000)
        try await connection.send(Array(repeating: UInt8(ascii: " "), count: 100))
        let response = try await connection.readResponse(timeout: .seconds(5))
        #expect(response.status == 408, "\(response)")
        #expect(ContinuousClock.now - started >= .milliseconds(700))
        #expect(try await connection.waitForClose())
        try await front.stop()
    }

    @Test func aCheckBodyFedDripByDripIsCutAtTheBodyDeadline() async throws {
        // The stall timer (progress) is longer than the absolute deadline, so only the deadline can answer.
        let front = try await RunningFront.start(configYAML: LimitsFixture.config(body: 0.8), bodyReadTimeout: .seconds(5))
        let connection = try await front.connect()
        let started = ContinuousClock.now
        try await connection.send(method: "POST", target: "/check/v1/chat/completions", headers: [LimitsFixture.auth], body: nil, announce: 1000)
        let drip = Task {
            for _ in 0..<40 {
                try? await connection.send(" ")
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        let response = try await connection.readResponse(timeout: .seconds(5))
        drip.cancel()
        #expect(response.status == 403, "\(response)")
        #expect(response.header("x-modelgate-reason") == "body_incomplete")
        #expect(ContinuousClock.now - started < .seconds(3))
        try await front.stop()
    }

    @Test func pastTheBufferedBodyCapANewBodyIsAnsweredAtOnce() async throws {
        let front = try await RunningFront.start(configYAML: LimitsFixture.config(body: 30), environment: ["MODELGATE_MASTER_KEY": LimitsFixture.master])
        // One body holds most of the 6000-byte budget.
        let holder = try await front.connect()
        try await holder.send(method: "POST", target: "/v1/decision", body: nil, announce: 5000)
        try await holder.send(Array(repeating: UInt8(ascii: " "), count: 4500))
        try await Task.sleep(for: .milliseconds(300))

        let started = ContinuousClock.now
        let admin = try await front.connect()
        try await admin.send(method: "POST", target: "/key/generate", body: nil, announce: 2000)
        let overloaded = try await admin.readResponse(timeout: .seconds(5))
        #expect(overloaded.status == 503, "\(overloaded)")
        let check = try await front.connect()
        try await check.send(method: "POST", target: "/check/v1/chat/completions", headers: [LimitsFixture.auth], body: nil, announce: 2000)
        let denied = try await check.readResponse(timeout: .seconds(5))
        #expect(denied.status == 403, "\(denied)")
        #expect(denied.header("x-modelgate-reason") == "body_too_large")
        #expect(ContinuousClock.now - started < .seconds(2))

        // Once the first body is gone, its bytes are free again.
        await holder.close()
        try await Task.sleep(for: .milliseconds(200))
        let body = Array(#"{"model":"openai/gpt-4o","pad":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 1900) + Array(#""}"#.utf8)
        let allowed = try await front.exchange(method: "POST", target: "/check/v1/chat/completions", headers: [LimitsFixture.auth], body: body)
        #expect(allowed.status == 200, "\(allowed)")
        try await front.stop()
    }

    @Test(arguments: [
        ("POST", "/check/v1/chat/completions", #"{"model":"openai/gpt-4o\r\nx-injected: 1"}"#),
        ("POST", "/check/v1/chat/completions", #"{"model":"openai/gpt\u0000x"}"#),
        ("GET", "/check/v1beta/models/openai%2Fgpt-4o%0D%0Ax-injected:generateContent", ""),
    ])
    func aModelNameWithAControlCharacterIsDeniedWithAProperAnswer(method: String, target: String, body: String) async throws {
        let front = try await RunningFront.start(configYAML: LimitsFixture.config())
        let connection = try await front.connect()
        try await connection.send(method: method, target: target, headers: [LimitsFixture.auth, ("Content-Type", "application/json")],
                                  body: body.isEmpty ? nil : Array(body.utf8))
        let response = try await connection.readResponse()
        #expect(response.status == 403, "\(response)")
        #expect(response.header("x-injected") == nil)
        #expect(response.header("x-modelgate-model-id") == nil)
        if target.contains("chat") { #expect(response.header("x-modelgate-reason") == "malformed_body") }
        // The connection is intact: the next request on it is answered.
        try await connection.send(method: "GET", target: "/health/liveliness")
        #expect(try await connection.readResponse().status == 200)
        // And a clean name on the same deployment is allowed.
        let clean = try await front.exchange(method: "POST", target: "/check/v1/chat/completions", headers: [LimitsFixture.auth],
                                             body: Array(#"{"model":"openai/gpt-4o"}"#.utf8))
        #expect(clean.status == 200, "\(clean)")
        await connection.close()
        try await front.stop()
    }

    @Test func adminInputWithAControlCharacterIs400() async throws {
        let front = try await RunningFront.start(configYAML: LimitsFixture.config(), environment: ["MODELGATE_MASTER_KEY": LimitsFixture.master])
        let auth = ("Authorization", "Bearer \(LimitsFixture.master)")
        for (target, body) in [
            ("/key/generate", #"{"key_alias":"ci\r\nx-modelgate-team-id: admin"}"#),
            ("/key/generate", #"{"team_id":"t\u001b[31m"}"#),
            ("/key/generate", #"{"models":["openai/a\nb"]}"#),
            ("/team/new", #"{"team_id":"team\r\n1"}"#),
            ("/user/new", #"{"user_id":"u\u0085"}"#),
        ] {
            let response = try await front.exchange(method: "POST", target: target, headers: [auth, ("Content-Type", "application/json")], body: Array(body.utf8))
            #expect(response.status == 400, "\(body): \(response)")
            #expect(response.body.contains("control character"), "\(response.body)")
        }
        let clean = try await front.exchange(method: "POST", target: "/key/generate", headers: [auth, ("Content-Type", "application/json")],
                                             body: Array(#"{"key_alias":"ci"}"#.utf8))
        #expect(clean.status == 200, "\(clean)")
        try await front.stop()
    }

    @Test func aConfigValueWithAControlCharacterIsAConfigError() async throws {
        let config = LimitsFixture.config() + "\n" + """
            teams:
              - { team_id: "team\\r\\nx", models: [] }
            """
        await #expect(throws: (any Error).self) { try await RunningFront.start(configYAML: config) }
    }

    @Test func aRefusedAdminRequestCannotForgeOrFloodALogLine() async throws {
        let logs = TextLogCapture()
        let front = try await RunningFront.start(configYAML: LimitsFixture.config(), logger: logs.logger,
                                                 environment: ["MODELGATE_MASTER_KEY": LimitsFixture.master])
        let forged = "/credentials/x%0a2026-01-01T00:00:00.000Z%20info%20modelgate:%20admin:%20key%20generated"
        let secret = "sk-guessed-master-0123456789"
        for (target, headers) in [
            (forged, [(String, String)]()),
            ("/credentials/" + String(repeating: "a", count: 8_000), []),
            ("/credentials/\(secret)", [("Authorization", "Bearer \(secret)")]),
        ] {
            let response = try await front.exchange(method: "POST", target: target, headers: headers)
            #expect(response.status == 401, "\(response)")
        }
        let lines = logs.captured
        let refused = lines.filter { $0.contains("admin: request refused") }
        #expect(refused.count == 3, "\(lines)")
        for line in lines {
            // One line per event: the only line break is the one that ends it.
            #expect(line.filter { $0 == "\n" || $0 == "\r" }.count == 1, "\(line.debugDescription)")
            #expect(line.utf8.count < 4096)
        }
        #expect(refused.contains { $0.contains(#"x\n2026"#) })
        #expect(!lines.contains { $0.contains(secret) })
        try await front.stop()
    }

    /// One lifecycle for both fronts: a graceful shutdown waits for requests in flight only up
    /// to the drain timeout.
    @Test func theDrainTimeoutClosesWhatIsStillOpen() async throws {
        let front = try await RunningFront.start(configYAML: LimitsFixture.config(body: 30), drainTimeout: .milliseconds(300))
        let connection = try await front.connect()
        try await connection.send(method: "POST", target: "/key/generate", body: nil, announce: 1000)
        try await connection.send("{")
        try await Task.sleep(for: .milliseconds(100))
        let began = ContinuousClock.now
        try await front.stop()
        let took = ContinuousClock.now - began
        #expect(took >= .milliseconds(250))
        #expect(took < .seconds(5))
        #expect(try await connection.waitForClose())
    }
}
