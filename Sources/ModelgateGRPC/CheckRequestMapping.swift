import struct Foundation.Data
import ModelgateCore

/// Envoy's `CheckRequest` → the engine's transport-free `ModelgateCore.CheckRequest`.
///
/// Everything is read from `attributes.request.http`: Envoy puts the original method, the raw
/// `:path` with its query, every header (lower-case, repeated ones joined with `,`) and, with
/// `with_request_body`, the body there. Missing fields become empty values, which the engine
/// denies like any other request it cannot understand.
enum CheckRequestMapping {
    static let partialBodyHeader = ReceivedBody.partialBodyHeader

    static func checkRequest(from envoy: Envoy_Service_Auth_V3_CheckRequest, maxBodyBytes: Int) -> CheckRequest {
        let http = envoy.attributes.request.http
        // A protobuf map has no order; sorting makes the engine's view (first of a name, the
        // order of ambiguous credentials) the same for the same request every time.
        let headers = HeaderFields(http.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        return CheckRequest(
            method: http.method,
            rawTarget: http.path,
            headers: headers,
            body: received(http, headers: headers).requestBody(maxBodyBytes: maxBodyBytes))
    }

    /// The body as far as Envoy let us see it. The headers are the original request's, so its
    /// `Content-Length` announces the body; `size` is what Envoy had received when it asked.
    ///
    /// With `pack_as_bytes: true` Envoy sends the exact bytes in `raw_body`; otherwise `body`
    /// holds them as UTF-8 with invalid sequences replaced, which is still good enough to read a
    /// JSON `model` but is not byte-exact (so its length is not compared with the announced one).
    static func received(_ http: Envoy_Service_Auth_V3_AttributeContext.HttpRequest, headers: HeaderFields) -> ReceivedBody {
        let exact = !http.rawBody.isEmpty
        return .withOriginalHeaders(
            .received(exact ? [UInt8](http.rawBody) : Array(http.body.utf8)),
            headers: headers, exact: exact, receivedSize: http.size)
    }
}
