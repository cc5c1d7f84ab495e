import Foundation
import Testing

/// A small policy for transport tests: one key, two groups, a 1 KiB body limit.
enum TransportFixture {
    static let key = "sk-transport-tester"
    static let openAISecret = "openai-transport-secret"
    static let config = """
        model_list:
          - model_name: gpt-4o
            litellm_params: { model: openai/gpt-4o, api_key: \(openAISecret) }
          - model_name: gemini-pro
            litellm_params: { model: gemini/gemini-2.5-pro, api_key: gemini-transport-secret }
        keys:
          - { key: \(key), key_alias: tester, models: [] }
        modelgate_settings:
          max_body_bytes: 1024
        """
    static let auth = ("Authorization", "Bearer \(key)")
    static let chatBody = Array(#"{"model":"gpt-4o","messages":[]}"#.utf8)

    static func nginxHeaders(method: String = "POST", uri: String = "/v1/chat/completions") -> [(String, String)] {
        [auth, ("Content-Type", "application/json"), ("X-Original-Method", method), ("X-Original-URI", uri)]
    }
}

/// How `/check` reads requests: bodies, limits, timeouts, keep-alive, pipelining.
@Suite struct TransportTests {
    @Test func allowedCheckCarriesIdentityAndCredentialHeaders() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let response = try await front.exchange(
            method: "POST", target: "/check", headers: TransportFixture.nginxHeaders(), body: TransportFixture.chatBody)
        #expect(response.status == 200, "\(response)")
        #expect(response.body.isEmpty)
        #expect(response.header("x-modelgate-model-group") == "gpt-4o")
        #expect(response.header("x-modelgate-provider") == "openai")
        #expect(response.header("x-modelgate-key-alias") == "tester")
        #expect(response.header("x-modelgate-team-id") == "")
        #expect(response.header("authorization") == "Bearer \(TransportFixture.openAISecret)")
        try await front.stop()
    }

    @Test func removeHeadersMatchTheDecision() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        // The key in x-api-key while the provider credential goes in authorization: the
        // client's header must be removed by Envoy.
        let headers = [("x-api-key", TransportFixture.key), ("Content-Type", "application/json")]
        let check = try await front.exchange(method: "POST", target: "/check/v1/chat/completions", headers: headers, body: TransportFixture.chatBody)
        let query: [String: Any] = ["method": "POST", "path": "/v1/chat/completions", "headers": Dictionary(uniqueKeysWithValues: headers),
                                    "body": String(decoding: TransportFixture.chatBody, as: UTF8.self)]
        let document = try await front.exchange(method: "POST", target: "/v1/decision", body: Array(try JSONSerialization.data(withJSONObject: query)))
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(document.body.utf8)) as? [String: Any])
        let remove = try #require(decoded["remove_headers"] as? [String])
        #expect(check.status == 200, "\(check)")
        #expect(remove.contains("x-api-key"))
        #expect(check.header("x-envoy-auth-headers-to-remove") == remove.joined(separator: ", "))
        try await front.stop()
    }

    @Test func envoyStyleIgnoresSpoofedOriginalHeaders() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        // The real request names an unknown model; the spoofed headers describe a modelless
        // route that would be allowed.
        let body = Array(#"{"model":"no-such-model"}"#.utf8)
        let response = try await front.exchange(
            method: "POST", target: "/check/v1/chat/completions",
            headers: [TransportFixture.auth, ("X-Original-URI", "/v1/models"), ("X-Original-Method", "GET")], body: body)
        #expect(response.status == 403, "\(response)")
        #expect(response.header("x-modelgate-reason") == "model_not_found")
        // And the spoofed request on its own is indeed allowed, so the test can tell them apart.
        let spoofed = try await front.exchange(method: "GET", target: "/check/v1/models", headers: [TransportFixture.auth])
        #expect(spoofed.status == 200, "\(spoofed)")
        try await front.stop()
    }

    @Test func bodyOverTheLimitIsDeniedAsTooLarge() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let big = Array(#"{"model":"gpt-4o","pad":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 2000) + Array(#""}"#.utf8)
        for (method, target, headers) in [
            ("POST", "/check", TransportFixture.nginxHeaders()),
            ("POST", "/check/v1/chat/completions", [TransportFixture.auth]),
        ] {
            let response = try await front.exchange(method: method, target: target, headers: headers, body: big)
            #expect(response.status == 403, "\(response)")
            #expect(response.header("x-modelgate-reason") == "body_too_large")
        }
        try await front.stop()
    }

    @Test func chunkedBodyPastTheLimitIsTooLargeAndStopsTheConnection() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let connection = try await front.connect()
        var request = "POST /check/v1/chat/completions HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(TransportFixture.key)\r\nTransfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<3 { request += "200\r\n" + String(repeating: "y", count: 512) + "\r\n" }
        try await connection.send(request)
        let response = try await connection.readResponse()
        #expect(response.status == 403, "\(response)")
        #expect(response.header("x-modelgate-reason") == "body_too_large")
        #expect(try await connection.waitForClose())
        try await front.stop()
    }

    @Test func chunkedBodyWithinTheLimitIsDecided() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let connection = try await front.connect()
        let body = String(decoding: TransportFixture.chatBody, as: UTF8.self)
        let half = body.index(body.startIndex, offsetBy: 10)
        let chunks = [String(body[..<half]), String(body[half...])]
        var request = "POST /check/v1/chat/completions HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(TransportFixture.key)\r\nTransfer-Encoding: chunked\r\n\r\n"
        for chunk in chunks { request += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n" }
        request += "0\r\n\r\n"
        try await connection.send(request)
        let response = try await connection.readResponse()
        #expect(response.status == 200, "\(response)")
        #expect(response.header("x-modelgate-model-group") == "gpt-4o")
        await connection.close()
        try await front.stop()
    }

    @Test func announcedLengthOverTheLimitIsAnsweredAtOnce() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config, bodyReadTimeout: .seconds(30))
        let connection = try await front.connect()
        try await connection.send(method: "POST", target: "/check", headers: TransportFixture.nginxHeaders(), body: nil, announce: 5_000_000)
        let started = ContinuousClock.now
        let response = try await connection.readResponse(timeout: .seconds(5))
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(response.header("x-modelgate-reason") == "body_too_large", "\(response)")
        #expect(try await connection.waitForClose())
        try await front.stop()
    }

    @Test func originalContentLengthMismatchIsIncomplete() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        var headers = TransportFixture.nginxHeaders()
        headers.append(("X-Original-Content-Length", String(TransportFixture.chatBody.count + 7)))
        let response = try await front.exchange(method: "POST", target: "/check", headers: headers, body: TransportFixture.chatBody)
        #expect(response.status == 403, "\(response)")
        #expect(response.header("x-modelgate-reason") == "body_incomplete")

        // nginx with `proxy_pass_request_body off`: no body, the original length announced.
        var bodiless = TransportFixture.nginxHeaders()
        bodiless.append(("X-Original-Content-Length", "33"))
        let plain = try await front.exchange(method: "GET", target: "/check", headers: bodiless)
        #expect(plain.header("x-modelgate-reason") == "body_incomplete", "\(plain)")
        try await front.stop()
    }

    @Test func announcedButUnsentBodyIsDeniedWithinTheTimeout() async throws {
        let logs = LogCapture()
        let front = try await RunningFront.start(configYAML: TransportFixture.config, logger: logs.logger, bodyReadTimeout: .milliseconds(300))
        let connection = try await front.connect()
        let started = ContinuousClock.now
        // What plain nginx auth_request sends: the client's Content-Length and no bytes.
        try await connection.send(method: "GET", target: "/check", headers: TransportFixture.nginxHeaders(), body: nil, announce: 33)
        let response = try await connection.readResponse(timeout: .seconds(5))
        let elapsed = ContinuousClock.now - started
        #expect(response.status == 403, "\(response)")
        #expect(response.header("x-modelgate-reason") == "body_incomplete")
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(3), "answered after \(elapsed)")
        #expect(try await connection.waitForClose())
        #expect(logs.captured.contains { $0.contains("announced request body did not arrive") })
        try await front.stop()
    }

    @Test func slowBodyThatKeepsArrivingIsNotCutOff() async throws {
        // Generous margins: a loaded 2-core machine oversleeps by a good part of 100 ms.
        let front = try await RunningFront.start(configYAML: TransportFixture.config, bodyReadTimeout: .milliseconds(1500))
        let connection = try await front.connect()
        let body = TransportFixture.chatBody
        try await connection.send(method: "POST", target: "/check/v1/chat/completions", headers: [TransportFixture.auth], body: nil, announce: body.count)
        // Four pieces 500 ms apart: 2 s in all, longer than the timeout, never 1.5 s without progress.
        for piece in stride(from: 0, to: body.count, by: (body.count + 3) / 4) {
            try await Task.sleep(for: .milliseconds(500))
            try await connection.send(Array(body[piece..<min(piece + (body.count + 3) / 4, body.count)]))
        }
        let response = try await connection.readResponse()
        #expect(response.status == 200, "\(response)")
        await connection.close()
        try await front.stop()
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config, bodyReadTimeout: .seconds(10))
        let connection = try await front.connect()
        let body = TransportFixture.chatBody
        try await connection.send(method: "POST", target: "/check/v1/chat/completions",
                                  headers: [TransportFixture.auth, ("Expect", "100-continue")], body: nil, announce: body.count)
        let interim = try await connection.readResponse(timeout: .seconds(2))
        #expect(interim.status == 100)
        try await connection.send(body)
        let response = try await connection.readResponse()
        #expect(response.status == 200, "\(response)")
        await connection.close()
        try await front.stop()
    }

    @Test func missingOriginalURIIsDenied() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let response = try await front.exchange(method: "GET", target: "/check", headers: [TransportFixture.auth, ("X-Original-Method", "GET")])
        #expect(response.status == 403, "\(response)")
        #expect(response.header("x-modelgate-reason") == "ambiguous_path")
        try await front.stop()
    }

    @Test func keepAliveAndPipelinedChecksAnswerInOrder() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let connection = try await front.connect()
        let allowed = RawHTTPConnection.encode(method: "POST", target: "/check", headers: TransportFixture.nginxHeaders(), body: TransportFixture.chatBody)
        let denied = RawHTTPConnection.encode(method: "GET", target: "/check/v1/models", headers: [("Authorization", "Bearer sk-unknown")])
        let liveliness = RawHTTPConnection.encode(method: "GET", target: "/health/liveliness")
        // Three requests in one write, then a fourth after the answers: one connection.
        try await connection.send(allowed + denied + liveliness)
        let first = try await connection.readResponse()
        let second = try await connection.readResponse()
        let third = try await connection.readResponse()
        #expect(first.status == 200, "\(first)")
        #expect(second.status == 401, "\(second)")
        #expect(second.header("x-modelgate-reason") == "invalid_key")
        #expect(third.status == 200)
        try await connection.send(allowed)
        #expect(try await connection.readResponse().status == 200)
        await connection.close()
        try await front.stop()
    }

    @Test func http10RequestGetsAnHTTP10AnswerAndAClose() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let connection = try await front.connect()
        // nginx's default auth subrequest: HTTP/1.0, Connection: close.
        try await connection.send(method: "GET", target: "/check", headers: TransportFixture.nginxHeaders(method: "GET", uri: "/v1/models") + [("Connection", "close")], version: "HTTP/1.0")
        let response = try await connection.readResponse()
        #expect(response.version == "HTTP/1.0")
        #expect(response.status == 200, "\(response)")
        #expect(try await connection.waitForClose())
        try await front.stop()
    }

    @Test func headRequestsGetNoBody() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config)
        let connection = try await front.connect()
        try await connection.send(method: "HEAD", target: "/check/v1/chat/completions", headers: [("Authorization", "Bearer sk-unknown")])
        let response = try await connection.readResponse(headRequest: true)
        #expect(response.status == 401)
        // The connection stays usable: no stray body bytes precede the next answer.
        try await connection.send(method: "GET", target: "/health/liveliness")
        #expect(try await connection.readResponse().status == 200)
        await connection.close()
        try await front.stop()
    }

    @Test func gracefulShutdownFinishesTheCheckInFlight() async throws {
        let front = try await RunningFront.start(configYAML: TransportFixture.config, bodyReadTimeout: .seconds(10))
        let connection = try await front.connect()
        let idle = try await front.connect()
        let body = TransportFixture.chatBody
        try await connection.send(method: "POST", target: "/check", headers: TransportFixture.nginxHeaders(), body: nil, announce: body.count)
        try await connection.send(Array(body.prefix(5)))
        try await Task.sleep(for: .milliseconds(100))
        front.front.triggerGracefulShutdown()
        // No new connections; the idle one is closed; the one in flight still gets its answer.
        // The listener closes on the event loop shortly after the trigger; on a loaded machine
        // that can take longer than a fixed sleep, so wait for it (up to 5 s) instead.
        #expect(try await front.refusesConnections(within: .seconds(5)))
        #expect(try await idle.waitForClose())
        try await connection.send(Array(body.dropFirst(5)))
        let response = try await connection.readResponse()
        #expect(response.status == 200, "\(response)")
        #expect(try await connection.waitForClose())
        try await front.waitUntilStopped()
    }
}
