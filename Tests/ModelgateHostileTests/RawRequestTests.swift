import Foundation
import ModelgateCore
import Testing

/// Requests no HTTP/1.1 client puts on the wire as such (raw control bytes, request-line forms,
/// methods in lower case), which a broken proxy or a gRPC caller could still hand over.
@Suite struct RawRequestTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var method = "POST"
        var target: String
        var headers: [(String, String)] = AttackPolicy.bearer(AttackPolicy.miniKey)
        var body = AttackPolicy.chatMini
        var reason: DenyReason
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "raw fragment", target: "/v1/chat/completions#x", reason: .ambiguousPath),
        Case(name: "fragment hiding a query", target: "/v1/chat/completions#?model=gpt-4o-mini", reason: .ambiguousPath),
        Case(name: "raw NUL", target: "/v1/chat/completions\u{0}", reason: .ambiguousPath),
        Case(name: "raw NUL inside a bedrock id", target: "/model/\(AttackPolicy.opus)\u{0}x/invoke", headers: AttackPolicy.bearer(AttackPolicy.allKey), reason: .ambiguousPath),
        Case(name: "raw tab", target: "/v1/chat/\tcompletions", reason: .ambiguousPath),
        Case(name: "raw CR LF", target: "/v1/chat/completions\r\nx: y", reason: .ambiguousPath),
        Case(name: "raw DEL", target: "/v1/chat/completions\u{7F}", reason: .ambiguousPath),
        Case(name: "not absolute", target: "v1/chat/completions", reason: .ambiguousPath),
        Case(name: "empty target", target: "", reason: .ambiguousPath),
        Case(name: "absolute URI form", target: "http://api.openai.com/v1/chat/completions", reason: .ambiguousPath),
        Case(name: "asterisk form", method: "OPTIONS", target: "*", reason: .ambiguousPath),
        Case(name: "raw space in a model id is one unknown segment", target: "/model/global anthropic/invoke",
             headers: AttackPolicy.bearer(AttackPolicy.allKey), body: AttackPolicy.converse, reason: .modelNotFound),
        Case(name: "combining mark after '/' does not glue two segments", target: "/model/\(AttackPolicy.opus)/\u{301}x/invoke",
             headers: AttackPolicy.bearer(AttackPolicy.allKey), body: AttackPolicy.converse, reason: .modelNotFound),
        Case(name: "combining mark after '?' does not hide the query key", target: "/v1/chat/completions?\u{301}=1&key=sk-atk-all",
             reason: .ambiguousCredentials),
        Case(name: "combining mark after '=' stays in the query value", target: "/v1/chat/completions?model=\u{301}gpt-4o",
             reason: .modelNotFound),
        Case(name: "combining mark right after '?' stays in the query", target: "/v1/chat/completions?\u{301}model=1&model=gpt-4o",
             reason: .keyModelAccessDenied),
        Case(name: "HEAD is not the modelless GET", method: "HEAD", target: "/v1/models", body: [], reason: .modelNotFound),
        Case(name: "lower-case get is not GET", method: "get", target: "/v1/models", body: [], reason: .modelNotFound),
        Case(name: "a key with a NUL appended is another key", target: "/v1/chat/completions",
             headers: [("authorization", "Bearer \(AttackPolicy.allKey)\u{0}"), ("content-type", "application/json")], reason: .invalidKey),
        Case(name: "a key with a Cyrillic look-alike letter", target: "/v1/chat/completions",
             headers: [("authorization", "Bearer sk-\u{430}tk-all"), ("content-type", "application/json")], reason: .invalidKey),
        Case(name: "a key in NFD is another key", target: "/v1/chat/completions",
             headers: [("authorization", "Bearer sk-atk-a\u{301}ll"), ("content-type", "application/json")], reason: .invalidKey),
    ]

    @Test(arguments: cases)
    func deniedInProcess(_ testCase: Case) throws {
        let snapshot = try AttackPolicy.snapshot()
        let decision = AttackPolicy.decide(
            testCase.method, testCase.target, headers: testCase.headers, body: .complete(testCase.body), in: snapshot)
        #expect(!decision.allow, "\(testCase.name): \(decision.message)")
        #expect(decision.reason == testCase.reason, "\(testCase.name): \(decision.message)")
        #expect(decision.status == testCase.reason.httpStatus)
    }

    /// The in-process engine never sees X-Original-URI: the adapter does, and puts the original
    /// target in `rawTarget`. A client copy of the header is just a header.
    @Test func clientXOriginalURIIsJustAHeader() throws {
        var headers = AttackPolicy.bearer(AttackPolicy.miniKey)
        headers.append(("x-original-uri", "/v1/models"))
        let decision = AttackPolicy.decide(
            "POST", "/v1/chat/completions", headers: headers,
            body: .complete(Array(#"{"model": "gpt-4o"}"#.utf8)), in: try AttackPolicy.snapshot())
        #expect(decision.reason == .keyModelAccessDenied)
    }
}
