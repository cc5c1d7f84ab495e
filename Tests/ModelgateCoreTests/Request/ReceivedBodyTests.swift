import Foundation
import ModelgateConfig
import Testing

@testable import ModelgateCore

/// The one builder of the engine's `RequestBody`, used by every front.
@Suite struct ReceivedBodyTests {
    static let abc = Array("abc".utf8)

    @Test(arguments: [
        // (announced lengths, expected)
        ([], RequestBody.complete(abc)),
        ([""], .complete(abc)),  // nginx `$content_length` of a chunked request
        (["3"], .complete(abc)),
        ([" 3\t"], .complete(abc)),
        (["3", "3"], .complete(abc)),
        (["3,3"], .complete(abc)),  // Envoy joins repeats with ','
        (["4"], .incomplete),
        (["0"], .incomplete),
        (["3", "4"], .incomplete),
        (["3,4"], .incomplete),
        (["abc"], .incomplete),
        (["-1"], .incomplete),
        (["+3"], .incomplete),
        (["99999999999999999999999"], .incomplete),
        (["101"], .tooLarge),
    ] as [([String], RequestBody)])
    func announcedLengthIsComparedWithTheBytes(lengths: [String], expected: RequestBody) {
        #expect(ReceivedBody(.received(Self.abc), announcedLengths: lengths).requestBody(maxBodyBytes: 100) == expected)
    }

    @Test func overTheLimitComesFirst() {
        let big = [UInt8](repeating: 0x78, count: 65)
        #expect(ReceivedBody(.received(big)).requestBody(maxBodyBytes: 64) == .tooLarge)
        #expect(ReceivedBody(.received(big), partial: true).requestBody(maxBodyBytes: 64) == .tooLarge)
        #expect(ReceivedBody(.received(big), partial: true).requestBody(maxBodyBytes: 65) == .incomplete)
        #expect(ReceivedBody.overLimit.requestBody(maxBodyBytes: 64) == .tooLarge)
        #expect(ReceivedBody.timedOut.requestBody(maxBodyBytes: 64) == .incomplete)
        #expect(ReceivedBody(.received([]), announcedLengths: ["4096"]).requestBody(maxBodyBytes: 1024) == .tooLarge)
    }

    @Test func inexactBytesAreNotComparedWithTheAnnouncedLength() {
        #expect(ReceivedBody(.received(Self.abc), exact: false, announcedLengths: ["5"]).requestBody(maxBodyBytes: 100) == .complete(Self.abc))
        // But no bytes at all for an announced body is never complete.
        #expect(ReceivedBody(.received([]), exact: false, announcedLengths: ["5"]).requestBody(maxBodyBytes: 100) == .incomplete)
    }

    /// gRPC `request.http.size`: Envoy had received body bytes (or cannot say: -1) and forwarded none.
    @Test(arguments: [(Int64(0), RequestBody.empty), (-1, .incomplete), (7, .incomplete)])
    func receivedSizeWithoutBytesIsIncomplete(size: Int64, expected: RequestBody) {
        #expect(ReceivedBody(.received([]), receivedSize: size).requestBody(maxBodyBytes: 100) == expected)
        #expect(ReceivedBody(.received(Self.abc), receivedSize: size).requestBody(maxBodyBytes: 100) == .complete(Self.abc))
    }

    @Test(arguments: [
        ("true", true), ("TRUE", true), (" true\t", true), ("false,true", true), ("false", false), ("", false), ("truex", false),
    ])
    func partialMark(value: String, partial: Bool) {
        let headers = HeaderFields([(ReceivedBody.partialBodyHeader, value)])
        #expect(ReceivedBody.isPartial(headers) == partial)
        let body = ReceivedBody.withOriginalHeaders(.received(Self.abc), headers: headers)
        #expect(body.requestBody(maxBodyBytes: 100) == (partial ? .incomplete : .complete(Self.abc)))
    }

    @Test func originalHeadersAnnounceTheLength() {
        let headers = HeaderFields([("Content-Length", " 4 ")])
        #expect(ReceivedBody.withOriginalHeaders(.received(Self.abc), headers: headers).requestBody(maxBodyBytes: 100) == .incomplete)
    }
}

/// Header values as every front reads them (CONTRACT §3).
@Suite struct HeaderFieldsTests {
    @Test func valuesAreTrimmedOfSpacesAndTabsWhenBuilt() {
        var headers = HeaderFields([("Content-Type", " \tapplication/x-www-form-urlencoded \t")])
        headers.add(name: "X-Api-Key", value: "\t sk-1 ")
        #expect(headers.first("content-type") == "application/x-www-form-urlencoded")
        #expect(headers.first("x-api-key") == "sk-1")
        // Only spaces and tabs: other bytes are the value's own.
        #expect(HeaderFields([("a", "\u{A0}x\u{0B}")]).first("a") == "\u{A0}x\u{0B}")
        #expect(HeaderFields([("a", "  ")]).first("a") == "")
    }

    @Test(arguments: [
        ([] as [String], "absent"),
        (["application/json"], "application/json"),
        (["application/json", "application/json"], "application/json"),
        (["application/json", " application/json "], "application/json"),
        (["application/json,application/json"], "application/json"),
        (["multipart/form-data; boundary=\"a,b\""], "multipart/form-data; boundary=\"a,b\""),
        (["multipart/form-data; boundary=\"a\\\",b\""], "multipart/form-data; boundary=\"a\\\",b\""),
        ([""], ""),
        (["application/json", "application/x-www-form-urlencoded"], "ambiguous"),
        (["application/json,application/x-www-form-urlencoded"], "ambiguous"),
        (["application/json, text/plain"], "ambiguous"),
        (["application/json,"], "ambiguous"),
        (["multipart/form-data; boundary=a,b"], "ambiguous"),
        (["application/json", "Application/JSON"], "ambiguous"),
    ])
    func contentTypeIsOneValueOrAmbiguous(values: [String], expected: String) {
        let headers = HeaderFields(values.map { ("Content-Type", $0) })
        do throws(BodyProblem) {
            let type = try headers.contentType()
            #expect((type ?? "absent") == expected)
        } catch {
            #expect(expected == "ambiguous", "\(values): \(error)")
        }
    }
}

/// The engine's rule for a body that did not arrive (CONTRACT §3): on a route whose model is
/// named in the body, a POST with no body bytes is `body_incomplete`, whatever the query says.
@Suite struct MissingBodyRuleTests {
    static let config = """
        model_list:
          - model_name: cheap
            litellm_params: { model: openai/gpt-4o-mini }
          - model_name: opus
            litellm_params: { model: bedrock/global.anthropic.claude-opus-4-7 }
          - model_name: gem
            litellm_params: { model: gemini/gemini-2.5-pro }
        keys:
          - { key: sk-all }
        """

    func decide(_ method: String, _ target: String, body: String = "", headers: [(String, String)] = []) throws -> Decision {
        let snapshot = PolicySnapshot(parts: try GatewayConfig.parse(yaml: Self.config, environment: [:]).parts)
        let request = CheckRequest(
            method: method, rawTarget: target,
            headers: HeaderFields([("authorization", "Bearer sk-all"), ("content-type", "application/json")] + headers),
            body: .complete(Array(body.utf8)))
        return DecisionEngine.decide(request, in: snapshot, now: Date())
    }

    @Test(arguments: ["/v1/chat/completions?model=cheap", "/v1/messages?model=cheap", "/chat/completions", "/v1/embeddings?model=cheap"])
    func postWithoutBodyIsIncomplete(target: String) throws {
        let decision = try decide("POST", target)
        #expect(decision.reason == .bodyIncomplete, "\(decision.message)")
        #expect(decision.status == 403)
        // Any method that may carry a body; the upstream decides what it accepts.
        #expect(try decide("PUT", target).reason == .bodyIncomplete)
        #expect(try decide("post", target).reason == .bodyIncomplete)
    }

    @Test func otherCasesAreUnchanged() throws {
        // GET names its model in the query (realtime); a path-routed POST needs no body.
        #expect(try decide("GET", "/v1/realtime?model=cheap").allow)
        #expect(try decide("HEAD", "/v1/realtime?model=cheap").allow)
        #expect(try decide("POST", "/model/global.anthropic.claude-opus-4-7/converse").allow)
        #expect(try decide("POST", "/v1beta/models/gemini-2.5-pro:generateContent").allow)
        #expect(try decide("POST", "/v1/chat/completions?model=cheap", body: #"{"model":"cheap"}"#).allow)
    }

    @Test func twoContentTypesThatDifferAreMalformed() throws {
        let body = #"{"model":"cheap"}"#
        let denied = try decide("POST", "/v1/chat/completions", body: body, headers: [("content-type", "application/x-www-form-urlencoded")])
        #expect(denied.reason == .malformedBody, "\(denied.message)")
        let joined = try decide("POST", "/v1/chat/completions", body: body, headers: [("content-type", "text/plain,application/json")])
        #expect(joined.reason == .malformedBody)
        #expect(try decide("POST", "/v1/chat/completions", body: body, headers: [("content-type", "application/json ")]).allow)
    }

    @Test func aLeadingSpaceDoesNotHideAFormContentType() throws {
        // Read as a form by every HTTP parser: the form's `model` is the one checked.
        let request = CheckRequest(
            method: "POST", rawTarget: "/v1/chat/completions",
            headers: HeaderFields([("authorization", "Bearer sk-all"), ("content-type", " application/x-www-form-urlencoded")]),
            body: .complete(Array("model=nothere".utf8)))
        let snapshot = PolicySnapshot(parts: try GatewayConfig.parse(yaml: Self.config, environment: [:]).parts)
        let decision = DecisionEngine.decide(request, in: snapshot, now: Date())
        #expect(decision.reason == .modelNotFound, "\(decision.message)")
        #expect(decision.models.map(\.id) == ["nothere"])
    }
}
