import Foundation
import ModelgateCore
import Testing
@testable import ModelgateGRPC

/// Envoy `CheckRequest` → `ModelgateCore.CheckRequest`, without sockets.
@Suite struct CheckRequestMappingTests {
    private func map(_ request: Envoy_Service_Auth_V3_CheckRequest, maxBodyBytes: Int = 1024) -> CheckRequest {
        CheckRequestMapping.checkRequest(from: request, maxBodyBytes: maxBodyBytes)
    }

    @Test func readsMethodRawPathWithQueryAndHeaders() {
        let path = "/bedrock/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aapplication-inference-profile%2Fabc/invoke?x=%2F&y=1"
        let request = map(EnvoyRequest.make(
            method: "POST", path: path,
            headers: [("Authorization", "Bearer sk-1"), ("content-type", "application/json")], body: "{}"))
        #expect(request.method == "POST")
        #expect(request.rawTarget == path)
        #expect(request.headers.first("authorization") == "Bearer sk-1")
        #expect(request.headers.first("content-type") == "application/json")
        #expect(request.headers.first(":path") == path)
        #expect(request.body == .complete(Array("{}".utf8)))
    }

    @Test func headersAreInAStableOrder() {
        let envoy = EnvoyRequest.make(method: "GET", path: "/v1/models", headers: [("b", "2"), ("a", "1"), ("c", "3")], body: nil)
        let names = map(envoy).headers.fields.map(\.name)
        #expect(names == names.sorted())
        #expect(map(envoy).headers == map(envoy).headers)
    }

    @Test func rawBodyKeepsExactBytesEvenWhenNotUTF8() {
        var envoy = EnvoyRequest.make(method: "POST", path: "/v1/audio/transcriptions", headers: [], body: nil)
        let bytes: [UInt8] = [0x2D, 0x2D, 0xFF, 0xFE, 0x00, 0x80, 0x0A]
        envoy.attributes.request.http.rawBody = Data(bytes)
        #expect(map(envoy).body == .complete(bytes))
    }

    @Test func bodyStringIsUsedWithoutPackAsBytes() {
        let body = #"{"model":"gpt-4o","messages":[]}"#
        let envoy = EnvoyRequest.make(method: "POST", path: "/v1/chat/completions", headers: [], body: body, packing: .bodyString)
        #expect(envoy.attributes.request.http.rawBody.isEmpty)
        #expect(map(envoy).body == .complete(Array(body.utf8)))
    }

    @Test func rawBodyWinsOverBodyString() {
        var envoy = EnvoyRequest.make(method: "POST", path: "/v1/chat/completions", headers: [], body: #"{"model":"a"}"#)
        envoy.attributes.request.http.body = #"{"model":"b"}"#
        #expect(map(envoy).body == .complete(Array(#"{"model":"a"}"#.utf8)))
    }

    @Test(arguments: ["true", "True", "TRUE"])
    func partialBodyIsIncomplete(flag: String) {
        var envoy = EnvoyRequest.make(method: "POST", path: "/v1/chat/completions", headers: [], body: #"{"model":"gp"#)
        envoy.attributes.request.http.headers[CheckRequestMapping.partialBodyHeader] = flag
        #expect(map(envoy).body == .incomplete)
    }

    /// The partial mark is read as on the HTTP front: trimmed, any case, any joined element.
    @Test(arguments: [" true", "true\t", " TRUE ", "false,true"])
    func partialMarkIsTrimmed(flag: String) {
        var envoy = EnvoyRequest.make(method: "POST", path: "/v1/chat/completions", headers: [], body: #"{"model":"gp"#)
        envoy.attributes.request.http.headers[CheckRequestMapping.partialBodyHeader] = flag
        #expect(map(envoy).body == .incomplete)
    }

    /// Header values reach the engine trimmed of spaces and tabs, as every HTTP parser reads them.
    @Test func headerValuesAreTrimmed() {
        let envoy = EnvoyRequest.make(
            method: "POST", path: "/v1/chat/completions",
            headers: [("content-type", " \tapplication/x-www-form-urlencoded "), ("x-api-key", "sk-1\t")], body: "model=a")
        let request = map(envoy)
        #expect(request.headers.first("content-type") == "application/x-www-form-urlencoded")
        #expect(request.headers.first("x-api-key") == "sk-1")
    }

    /// `request.http.size`: body bytes Envoy had received when it asked (-1: unknown). Bytes
    /// received and none forwarded is a body modelgate did not see.
    @Test(arguments: [(Int64(0), RequestBody.empty), (-1, .incomplete), (120, .incomplete)])
    func sizeWithoutABodyIsIncomplete(size: Int64, expected: RequestBody) {
        var envoy = EnvoyRequest.make(method: "POST", path: "/v1/messages?model=cheap", headers: [], body: nil)
        envoy.attributes.request.http.size = size
        #expect(map(envoy).body == expected)
        // A forwarded body decides, whatever the size says.
        var withBody = EnvoyRequest.make(method: "POST", path: "/v1/messages", headers: [], body: "{}")
        withBody.attributes.request.http.size = size
        #expect(map(withBody).body == .complete(Array("{}".utf8)))
    }

    @Test func partialFalseIsComplete() {
        let envoy = EnvoyRequest.make(method: "POST", path: "/v1/chat/completions", headers: [], body: "{}", partial: false)
        #expect(envoy.attributes.request.http.headers[CheckRequestMapping.partialBodyHeader] == "false")
        #expect(map(envoy).body == .complete(Array("{}".utf8)))
    }

    @Test(arguments: [EnvoyRequest.Packing.rawBody, .bodyString])
    func bodyOverTheLimitIsTooLarge(packing: EnvoyRequest.Packing) {
        let body = String(repeating: "x", count: 65)
        let envoy = EnvoyRequest.make(method: "POST", path: "/v1/chat/completions", headers: [], body: body, packing: packing)
        #expect(map(envoy, maxBodyBytes: 64).body == .tooLarge)
        #expect(map(envoy, maxBodyBytes: 65).body == .complete(Array(body.utf8)))
    }

    @Test func partialPrefixOverTheLimitIsTooLarge() {
        let envoy = EnvoyRequest.make(
            method: "POST", path: "/v1/chat/completions", headers: [], body: String(repeating: "x", count: 100), partial: true)
        #expect(map(envoy, maxBodyBytes: 64).body == .tooLarge)
        #expect(map(envoy, maxBodyBytes: 100).body == .incomplete)
    }

    @Test func announcedBodyThatNeverArrivedIsIncomplete() {
        // Envoy without `with_request_body`: the content-length is forwarded, the body is not.
        let envoy = EnvoyRequest.make(method: "POST", path: "/v1/chat/completions", headers: [("content-length", "42")], body: nil)
        #expect(map(envoy).body == .incomplete)
    }

    @Test func exactBodyOfAnotherLengthThanAnnouncedIsIncomplete() {
        let envoy = EnvoyRequest.make(method: "POST", path: "/v1/chat/completions", headers: [("content-length", "10")], body: "{}")
        #expect(map(envoy).body == .incomplete)
    }

    @Test func announcedLengthOverTheLimitIsTooLarge() {
        let envoy = EnvoyRequest.make(method: "POST", path: "/v1/chat/completions", headers: [("content-length", "4096")], body: nil)
        #expect(map(envoy, maxBodyBytes: 1024).body == .tooLarge)
    }

    @Test func bodyStringLengthIsNotComparedWithContentLength() {
        // Without pack_as_bytes Envoy replaces each invalid byte with U+FFFD (3 bytes), so the
        // text's length legitimately differs from the wire length.
        let text = "{\"model\":\"gpt-4o\",\"x\":\"\u{FFFD}\"}"
        let envoy = EnvoyRequest.make(
            method: "POST", path: "/v1/chat/completions", headers: [("content-length", String(text.utf8.count - 2))],
            body: text, packing: .bodyString)
        #expect(map(envoy).body == .complete(Array(text.utf8)))
    }

    @Test func getWithoutBodyIsCompleteAndEmpty() {
        let envoy = EnvoyRequest.make(method: "GET", path: "/v1/models", headers: [("authorization", "Bearer sk-1")], body: nil)
        #expect(map(envoy).body == .empty)
    }

    @Test func emptyCheckRequestMapsToEmptyFields() {
        let request = map(Envoy_Service_Auth_V3_CheckRequest())
        #expect(request.method.isEmpty)
        #expect(request.rawTarget.isEmpty)
        #expect(request.headers.fields.isEmpty)
        #expect(request.body == .empty)
    }

    @Test func joinedRepeatedHeadersArePassedAsEnvoySendsThem() {
        let envoy = EnvoyRequest.make(
            method: "POST", path: "/v1/chat/completions",
            headers: [("authorization", "Bearer sk-1"), ("authorization", "Bearer sk-2")], body: nil)
        #expect(map(envoy).headers.all("authorization") == ["Bearer sk-1,Bearer sk-2"])
    }
}
