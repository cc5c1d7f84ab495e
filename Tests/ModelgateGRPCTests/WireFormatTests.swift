import Foundation
import ModelgateCore
import SwiftProtobuf
import Testing
@testable import ModelgateGRPC

/// Pins the field numbers and types Envoy's data-plane API uses (external_auth.proto,
/// attribute_context.proto, base.proto, http_status.proto, google/rpc/status.proto) with
/// hand-written bytes, so a mistake in `Protos/` cannot hide behind generated code that agrees
/// with itself.
@Suite struct WireFormatTests {
    /// CheckRequest{attributes=1{request=4{http=2{...}}}} as Envoy encodes it, with fields the
    /// subset leaves out (header_map=13, metadata_context=11, a Peer address=1) mixed in.
    @Test func decodesEnvoysCheckRequestLayout() throws {
        let headerEntry = Wire.field(1, string: "x-api-key") + Wire.field(2, string: "sk-1")
        let http =
            Wire.field(1, string: "req-1")
            + Wire.field(2, string: "POST")
            + Wire.field(3, bytes: headerEntry)
            + Wire.field(4, string: "/v1/messages?beta=true")
            + Wire.field(5, string: "api.test")
            + Wire.field(6, string: "https")
            + Wire.field(9, varint: 20)
            + Wire.field(10, string: "HTTP/2")
            + Wire.field(11, string: "ignored text body")
            + Wire.field(12, bytes: [0x7B, 0xFF, 0x7D])
            + Wire.field(13, bytes: Wire.field(1, bytes: Wire.field(1, string: "k")))
        let request = Wire.field(1, bytes: Wire.field(1, varint: 1_700_000_000)) + Wire.field(2, bytes: http)
        let peer = Wire.field(1, bytes: [0x0A, 0x00]) + Wire.field(2, string: "frontend")
        let attributes =
            Wire.field(1, bytes: peer)
            + Wire.field(4, bytes: request)
            + Wire.field(10, bytes: Wire.field(1, string: "route") + Wire.field(2, string: "llm"))
            + Wire.field(11, bytes: [])
        let bytes = Wire.field(1, bytes: attributes)

        let decoded = try Envoy_Service_Auth_V3_CheckRequest(serializedBytes: bytes)
        let httpRequest = decoded.attributes.request.http
        #expect(httpRequest.id == "req-1")
        #expect(httpRequest.method == "POST")
        #expect(httpRequest.headers == ["x-api-key": "sk-1"])
        #expect(httpRequest.path == "/v1/messages?beta=true")
        #expect(httpRequest.host == "api.test")
        #expect(httpRequest.scheme == "https")
        #expect(httpRequest.size == 20)
        #expect(httpRequest.protocol == "HTTP/2")
        #expect(httpRequest.body == "ignored text body")
        #expect([UInt8](httpRequest.rawBody) == [0x7B, 0xFF, 0x7D])
        #expect(decoded.attributes.request.time.seconds == 1_700_000_000)
        #expect(decoded.attributes.source.service == "frontend")
        #expect(decoded.attributes.contextExtensions == ["route": "llm"])

        let mapped = CheckRequestMapping.checkRequest(from: decoded, maxBodyBytes: 1024)
        #expect(mapped.body == .complete([0x7B, 0xFF, 0x7D]))
    }

    /// HeaderValueOption{header=1{key=1, value=2}, append=2 BoolValue(false), append_action=3 = 2}.
    @Test func headerOptionEncodesAppendFalseAndOverwriteAction() throws {
        let bytes: [UInt8] = try CheckResponseRendering.overwriting(name: "a", value: "b").serializedBytes()
        let fields = try Wire.fields(bytes)
        #expect(fields.map(\.number) == [1, 2, 3])
        let header = try #require(try Wire.message(bytes, field: 1))
        #expect(try Wire.string(header, field: 1) == "a")
        #expect(try Wire.string(header, field: 2) == "b")
        // BoolValue(false) is present as an empty message: "set, and false".
        #expect(try Wire.message(bytes, field: 2) == [])
        // OVERWRITE_IF_EXISTS_OR_ADD = 2.
        #expect(try Wire.varint(bytes, field: 3) == 2)
    }

    @Test func allowEncodesStatusOkAndOkResponseFields() throws {
        let decision = Decision(
            allow: true, status: 200, message: "ok", modelGroup: "gemini-2.5-pro", provider: "gemini",
            credential: InjectedCredential(headerName: "x-goog-api-key", headerValue: Secret("g-secret")),
            removeHeaders: ["authorization"], removeQueryParameters: ["alt-key"])
        let bytes: [UInt8] = try CheckResponseRendering.checkResponse(for: decision).serializedBytes()

        // status=1 present with code 0 (nothing inside), ok_response=3, no denied_response=2.
        #expect(try Wire.message(bytes, field: 1) == [])
        #expect(try Wire.message(bytes, field: 2) == nil)
        let ok = try #require(try Wire.message(bytes, field: 3))
        let headerKeys = try Wire.messages(ok, field: 2).map { try Wire.string(try #require(try Wire.message($0, field: 1)), field: 1) }
        #expect(headerKeys.contains("x-goog-api-key"))
        #expect(headerKeys.contains("x-modelgate-model-group"))
        #expect(try Wire.strings(ok, field: 5) == ["authorization"])
        // No query parameter is set: a provider key never goes into a URL.
        #expect(try Wire.message(ok, field: 7) == nil)
        #expect(try Wire.strings(ok, field: 8) == ["alt-key"])
    }

    @Test func denialEncodesRPCStatusHTTPStatusHeadersAndBody() throws {
        let decision = Decision.deny(.invalidKey, "the key is not known")
        let bytes: [UInt8] = try CheckResponseRendering.checkResponse(for: decision).serializedBytes()

        let status = try #require(try Wire.message(bytes, field: 1))
        #expect(try Wire.varint(status, field: 1) == 16)
        #expect(try Wire.string(status, field: 2) == "the key is not known")
        #expect(try Wire.message(bytes, field: 3) == nil)
        let denied = try #require(try Wire.message(bytes, field: 2))
        let httpStatus = try #require(try Wire.message(denied, field: 1))
        #expect(try Wire.varint(httpStatus, field: 1) == 401)
        let reasons = try Wire.messages(denied, field: 2).compactMap { option -> String? in
            let header = try #require(try Wire.message(option, field: 1))
            return try Wire.string(header, field: 1) == "x-modelgate-reason" ? try Wire.string(header, field: 2) : nil
        }
        #expect(reasons == ["invalid_key"])
        #expect(try Wire.string(denied, field: 3) == decision.errorBody)
    }
}
