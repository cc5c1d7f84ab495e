import Foundation
import ModelgateCore
import Testing

/// Bodies too big, too deep or not what they claim: denied on routes that read the body, and
/// without a crash or a stack overflow; ignored on routes that name the model in the path.
@Suite struct BodyLimitTests {
    static let gzipForbidden: [UInt8] = [  // gzip of {"model":"gpt-4o","messages":[]}
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0xca, 0xcd, 0x4f, 0x49, 0xcd, 0x51, 0xb2,
        0x52, 0x4a, 0x2f, 0x28, 0xd1, 0x35, 0xc9, 0x57, 0xd2, 0x51, 0xca, 0x4d, 0x2d, 0x2e, 0x4e, 0x4c, 0x4f, 0x2d, 0x56,
        0xb2, 0x8a, 0x8e, 0xad, 0x05, 0x00, 0x5a, 0x0b, 0xb2, 0xb6, 0x20, 0x00, 0x00, 0x00,
    ]

    func chat(_ body: [UInt8], key: String = AttackPolicy.miniKey, headers extra: [(String, String)] = [], limit: Int = 16 << 20) throws -> Decision {
        AttackPolicy.decide(
            "POST", "/v1/chat/completions", headers: AttackPolicy.bearer(key) + extra, body: .complete(body),
            in: try AttackPolicy.snapshot(maxBodyBytes: limit))
    }

    @Test func tenMegabyteStringIsScannedAndAllowed() throws {
        let body = Array(#"{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": ""#.utf8)
            + [UInt8](repeating: UInt8(ascii: "a"), count: 10_000_000) + Array(#""}]}"#.utf8)
        let decision = try chat(body)
        #expect(decision.allow, "\(decision.message)")
    }

    @Test func tenMegabyteModelNameIsNotFound() throws {
        let body = Array(#"{"model": ""#.utf8) + [UInt8](repeating: UInt8(ascii: "g"), count: 10_000_000) + Array(#""}"#.utf8)
        let decision = try chat(body, key: AttackPolicy.allKey)
        #expect(decision.reason == .modelNotFound)
        // The message names the model; it travels in a header and a log line, so it is cut.
        #expect(decision.message.utf8.count <= 1024)
        #expect(decision.message.hasPrefix("model 'ggg"), "\(decision.message.prefix(80))")
        #expect(decision.message.contains("… (message cut: 1000"), "\(decision.message.suffix(80))")
    }

    @Test func oneByteOverTheLimitIsTooLarge() throws {
        let body = AttackPolicy.chatMini
        #expect(try chat(body, limit: body.count).allow)
        #expect(try chat(body, limit: body.count - 1).reason == .bodyTooLarge)
    }

    @Test func tenThousandLevelsOfNestingInEveryPlace() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let deepObject = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        let bodies = [
            #"{"model": "gpt-4o-mini", "x": \#(deep)}"#,
            #"{"model": "gpt-4o-mini", "x": \#(deepObject)}"#,
            #"{"model": "gpt-4o-mini", "metadata": {"x": \#(deep)}}"#,
            #"{"model": "gpt-4o-mini", "fallbacks": [{"gpt-4o-mini": \#(deep)}]}"#,
            #"{"model": "gpt-4o-mini", "session": {"x": \#(deepObject)}}"#,
            deep,
        ]
        for body in bodies {
            let decision = try chat(Array(body.utf8))
            #expect(decision.reason == .malformedBody, "\(body.prefix(60)): \(decision.message)")
        }
    }

    @Test func nestingLimitIsExact() throws {
        func nested(_ depth: Int) -> [UInt8] {
            Array(#"{"model": "gpt-4o-mini", "x": \#(String(repeating: "[", count: depth))\#(String(repeating: "]", count: depth))}"#.utf8)
        }
        #expect(try chat(nested(JSONBodyScanner.maxDepth)).allow)
        #expect(try chat(nested(JSONBodyScanner.maxDepth + 1)).reason == .malformedBody)
    }

    @Test func hundredThousandFallbacksAreAllChecked() throws {
        var names = Array(repeating: #""gpt-4o-mini""#, count: 100_000)
        #expect(try chat(Array(#"{"model": "gpt-4o-mini", "fallbacks": [\#(names.joined(separator: ","))]}"#.utf8)).allow)
        names[99_999] = #""gpt-4o""#
        let decision = try chat(Array(#"{"model": "gpt-4o-mini", "fallbacks": [\#(names.joined(separator: ","))]}"#.utf8))
        #expect(decision.reason == .keyModelAccessDenied)
    }

    @Test func invalidUTF8Anywhere() throws {
        let bad: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]]
        for bytes in bad {
            let inValue = Array(#"{"model": "gpt-4o-mini", "x": ""#.utf8) + bytes + Array(#""}"#.utf8)
            let inModel = Array(#"{"model": "gpt-4o-mini"#.utf8) + bytes + Array(#""}"#.utf8)
            let inKey = Array(#"{"model": "gpt-4o-mini", ""#.utf8) + bytes + Array(#"": 1}"#.utf8)
            for body in [inValue, inModel, inKey] {
                #expect(try chat(body).reason == .malformedBody, "\(bytes)")
            }
        }
    }

    @Test func utf16BodyIsMalformed() throws {
        let text = #"{"model": "gpt-4o"}"#
        let le = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for body in [le, be, [0xFF, 0xFE] + le, [0xFE, 0xFF] + be] {
            #expect(try chat(body).reason == .malformedBody)
        }
    }

    @Test func gzipBodyIsMalformedWithOrWithoutTheHeader() throws {
        #expect(try chat(Self.gzipForbidden).reason == .malformedBody)
        #expect(try chat(Self.gzipForbidden, headers: [("content-encoding", "gzip")]).reason == .malformedBody)
    }

    /// A body that is valid JSON but declared compressed: the upstream would decompress it and
    /// read something else, so it cannot be judged.
    @Test func declaredEncodingOnPlainJSONIsMalformed() throws {
        for encoding in ["gzip", "deflate", "br", "zstd", "x-gzip", "compress", "GZIP", "identity, gzip", "gzip, identity"] {
            #expect(try chat(AttackPolicy.chatMini, headers: [("content-encoding", encoding)]).reason == .malformedBody, "\(encoding)")
        }
        #expect(try chat(AttackPolicy.chatMini, headers: [("content-encoding", "identity")]).allow)
        #expect(try chat(AttackPolicy.chatMini, headers: [("content-encoding", "identity"), ("content-encoding", "gzip")]).reason == .malformedBody)
    }

    @Test func incompleteAndTooLargeBodies() throws {
        let snapshot = try AttackPolicy.snapshot()
        for body in [RequestBody.incomplete, .tooLarge] {
            let onBodyRoute = AttackPolicy.decide("POST", "/v1/chat/completions", headers: AttackPolicy.bearer(AttackPolicy.miniKey), body: body, in: snapshot)
            #expect(onBodyRoute.reason == (body == .incomplete ? .bodyIncomplete : .bodyTooLarge))
            // The query model does not rescue a body route whose body is unreadable.
            let withQuery = AttackPolicy.decide("POST", "/v1/chat/completions?model=gpt-4o-mini", headers: AttackPolicy.bearer(AttackPolicy.miniKey), body: body, in: snapshot)
            #expect(!withQuery.allow)
            // Bedrock names the model in the path: the body is not needed.
            let onPathRoute = AttackPolicy.decide("POST", "/model/\(AttackPolicy.opus)/invoke", headers: AttackPolicy.bearer(AttackPolicy.opusKey), body: body, in: snapshot)
            #expect(onPathRoute.allow, "\(onPathRoute.message)")
        }
    }

    @Test func oversizedBodyOnAPathRouteIsNotRead() throws {
        let body = Array(#"{"messages": [{"role": "user", "content": [{"text": "\#(String(repeating: "x", count: 5000))"}]}]}"#.utf8)
        let decision = AttackPolicy.decide(
            "POST", "/model/\(AttackPolicy.opus)/invoke", headers: AttackPolicy.bearer(AttackPolicy.opusKey), body: .complete(body),
            in: try AttackPolicy.snapshot())
        #expect(decision.allow, "\(decision.message)")
    }

    @Test func tenMegabyteMultipartFileBeforeTheModelField() throws {
        var body = Array("--mgb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\n".utf8)
        body += [UInt8](repeating: 0x2D, count: 10_000_000)  // dashes: worst case for the delimiter search
        body += Array("\r\n--mgb\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ngpt-4o\r\n--mgb--\r\n".utf8)
        let decision = AttackPolicy.decide(
            "POST", "/v1/audio/transcriptions", headers: AttackPolicy.bearer(AttackPolicy.miniKey, contentType: "multipart/form-data; boundary=mgb"),
            body: .complete(body), in: try AttackPolicy.snapshot(maxBodyBytes: 16 << 20))
        #expect(decision.reason == .keyModelAccessDenied, "\(decision.message)")
    }
}
