import ModelgateCore
import NIOHTTP1
import Testing

@testable import ModelgateHTTP

/// The two `/check` request styles, without a socket.
@Suite struct CheckRequestBuilderTests {
    private func head(_ method: HTTPMethod = .GET, _ uri: String = "/check", _ headers: [(String, String)]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
    }

    private func request(_ outcome: CheckRequestBuilder.Outcome) -> CheckRequest? {
        if case .request(let request) = outcome { return request }
        return nil
    }

    @Test func nginxTakesTheOriginalRequestLineFromHeadersRaw() throws {
        let uri = "/bedrock/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aapplication-inference-profile%2Fa,b/converse?x=1,2"
        let built = try #require(request(CheckRequestBuilder.nginx(
            head: head(.GET, "/check", [("X-Original-Method", "POST"), ("X-Original-URI", uri), ("Authorization", "Bearer sk-1")]),
            body: .complete([]), maxBodyBytes: 100)))
        #expect(built.method == "POST")
        #expect(built.rawTarget == uri)
        #expect(built.headers.first("authorization") == "Bearer sk-1")
        #expect(built.headers.first("x-original-uri") == uri)
        #expect(built.body == .complete([]))
    }

    @Test func nginxWithoutOriginalHeadersIsAMisconfiguration() {
        for headers in [
            [("X-Original-Method", "POST")],
            [("X-Original-URI", "/v1/models")],
            [("X-Original-Method", "GET"), ("X-Original-URI", "/v1/models"), ("X-Original-URI", "/v1/other")],
            [("X-Original-Method", "GET"), ("X-Original-URI", "")],
        ] {
            let outcome = CheckRequestBuilder.nginx(head: head(.GET, "/check", headers), body: .complete([]), maxBodyBytes: 100)
            guard case .misconfigured = outcome else {
                Issue.record("\(headers) should be a misconfiguration")
                continue
            }
        }
    }

    @Test(arguments: [
        (nil as String?, RequestBody.complete(Array("abc".utf8))),
        ("3", .complete(Array("abc".utf8))),
        (" 3 ", .complete(Array("abc".utf8))),
        ("", .complete(Array("abc".utf8))),
        ("4", .incomplete),
        ("0", .incomplete),
        ("abc", .incomplete),
        ("-1", .incomplete),
        ("101", .tooLarge),
    ])
    func nginxComparesTheOriginalContentLength(header: String?, expected: RequestBody) throws {
        var headers = [("X-Original-Method", "POST"), ("X-Original-URI", "/v1/chat/completions")]
        if let header { headers.append(("X-Original-Content-Length", header)) }
        let built = try #require(request(CheckRequestBuilder.nginx(
            head: head(.POST, "/check", headers), body: .complete(Array("abc".utf8)), maxBodyBytes: 100)))
        #expect(built.body == expected)
    }

    /// nginx's `$content_length` is empty for a chunked request: nothing is announced, so the
    /// body is what arrived (nothing, in path mode); the engine then denies a body-routed POST.
    @Test func nginxChunkedRequestAnnouncesNoLength() throws {
        let headers = [("X-Original-Method", "POST"), ("X-Original-URI", "/v1/messages?model=cheap"), ("X-Original-Content-Length", "")]
        let built = try #require(request(CheckRequestBuilder.nginx(head: head(.GET, "/check", headers), body: .complete([]), maxBodyBytes: 100)))
        #expect(built.body == .complete([]))
        #expect(built.method == "POST")
    }

    @Test func headerValuesAreTrimmedInBothStyles() throws {
        let client = [("Content-Type", " \tapplication/x-www-form-urlencoded "), ("X-Api-Key", "sk-1 ")]
        let nginx = try #require(request(CheckRequestBuilder.nginx(
            head: head(.GET, "/check", client + [("X-Original-Method", " POST"), ("X-Original-URI", "/v1/x\t")]),
            body: .complete([]), maxBodyBytes: 100)))
        let envoy = try #require(request(CheckRequestBuilder.envoy(
            head: head(.POST, "/check/v1/x", client), rawTarget: "/v1/x", body: .complete([]))))
        for built in [nginx, envoy] {
            #expect(built.headers.first("content-type") == "application/x-www-form-urlencoded")
            #expect(built.headers.first("x-api-key") == "sk-1")
        }
        #expect(nginx.method == "POST")
        #expect(nginx.rawTarget == "/v1/x")
    }

    /// One partial-body rule on both styles and on gRPC: trimmed, any case.
    @Test(arguments: [" true", "TRUE\t", "false, true"])
    func partialMarkIsReadInBothStyles(flag: String) throws {
        let body = ReceivedBody.complete(Array("{\"mo".utf8))
        let nginx = try #require(request(CheckRequestBuilder.nginx(
            head: head(.POST, "/check", [("X-Original-Method", "POST"), ("X-Original-URI", "/v1/x"), ("x-envoy-auth-partial-body", flag)]),
            body: body, maxBodyBytes: 100)))
        let envoy = try #require(request(CheckRequestBuilder.envoy(
            head: head(.POST, "/check/v1/x", [("x-envoy-auth-partial-body", flag)]), rawTarget: "/v1/x", body: body)))
        #expect(nginx.body == .incomplete)
        #expect(envoy.body == .incomplete)
    }

    @Test func bodyOutcomesMapToRequestBodies() throws {
        let headers = [("X-Original-Method", "POST"), ("X-Original-URI", "/v1/chat/completions")]
        let overLimit = try #require(request(CheckRequestBuilder.nginx(head: head(.POST, "/check", headers), body: .overLimit, maxBodyBytes: 1)))
        #expect(overLimit.body == .tooLarge)
        let timedOut = try #require(request(CheckRequestBuilder.envoy(head: head(.POST, "/check/v1/x", []), rawTarget: "/v1/x", body: .timedOut)))
        #expect(timedOut.body == .incomplete)
    }

    @Test func envoyUsesItsOwnMethodAndPathAndIgnoresOriginalHeaders() throws {
        let built = try #require(request(CheckRequestBuilder.envoy(
            head: head(.PUT, "/check/v1/chat/completions?model=a", [("X-Original-URI", "/v1/models"), ("X-Original-Method", "GET")]),
            rawTarget: "/v1/chat/completions?model=a", body: .complete(Array("{}".utf8)))))
        #expect(built.method == "PUT")
        #expect(built.rawTarget == "/v1/chat/completions?model=a")
        #expect(built.body == .complete(Array("{}".utf8)))
    }

    @Test func envoyPartialBodyIsIncomplete() throws {
        let built = try #require(request(CheckRequestBuilder.envoy(
            head: head(.POST, "/check/v1/x", [("x-envoy-auth-partial-body", "true")]),
            rawTarget: "/v1/x", body: .complete(Array("{\"mo".utf8)))))
        #expect(built.body == .incomplete)
    }
}

@Suite struct FrontRouteTests {
    @Test(arguments: [
        ("GET", "/check", FrontRoute.checkNginx),
        ("POST", "/check?from=nginx", .checkNginx),
        ("DELETE", "/check", .methodNotAllowed(allowed: "GET, POST")),
        ("POST", "/check/v1/chat/completions?model=a%2Fb", .checkEnvoy(rawTarget: "/v1/chat/completions?model=a%2Fb")),
        ("GET", "/check/", .checkEnvoy(rawTarget: "/")),
        ("GET", "/check//v1/../x", .checkEnvoy(rawTarget: "//v1/../x")),
        ("POST", "/v1/decision", .decision),
        ("GET", "/v1/decision", .methodNotAllowed(allowed: "POST")),
        ("GET", "/health/liveliness", .liveliness),
        ("GET", "/health/readiness", .readiness),
        ("GET", "/metrics", .metrics),
        ("GET", "/checkout", .admin(path: "/checkout", query: nil)),
        ("GET", "/key/info?key=sk-1", .admin(path: "/key/info", query: "key=sk-1")),
    ])
    func classifies(method: String, uri: String, expected: FrontRoute) {
        #expect(FrontRoute.classify(method: HTTPMethod(rawValue: method), uri: uri) == expected)
    }

    @Test func adminTargetsAreDecodedOnce() {
        #expect(AdminTarget.decodePath("/credentials/my%20cred%2541") == "/credentials/my cred%41")
        #expect(AdminTarget.decodePath("/credentials/bad%zz") == "/credentials/bad%zz")
        let pairs = AdminTarget.decodeQuery("key=sk%2B1&team_id=a+b&flag&x=%E2%9C%93")
        #expect(pairs.map(\.0) == ["key", "team_id", "flag", "x"])
        #expect(pairs.map(\.1) == ["sk+1", "a b", "", "✓"])
    }
}
