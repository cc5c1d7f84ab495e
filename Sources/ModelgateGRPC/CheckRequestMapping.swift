import struct Foundation.Data
import ModelgateCore

/// Envoy's `CheckRequest` → the engine's transport-free `ModelgateCore.CheckRequest`.
///
/// Everything is read from `attributes.request.http`: Envoy puts the original method, the raw
/// `:path` with its query, every header (lower-case, repeated ones joined with `,`) and, with
/// `with_request_body`, the body there. Missing fields become empty values, which the engine
/// denies like any other request it cannot understand.
enum CheckRequestMapping {
    /// Envoy adds this header to the check (never to the upstream request) when
    /// `with_request_body.allow_partial_message` cut the body at `max_request_bytes`.
    static let partialBodyHeader = "x-envoy-auth-partial-body"

    static func checkRequest(from envoy: Envoy_Service_Auth_V3_CheckRequest, maxBodyBytes: Int) -> CheckRequest {
        let http = envoy.attributes.request.http
        // A protobuf map has no order; sorting makes the engine's view (first of a name, the
        // order of ambiguous credentials) the same for the same request every time.
        let headers = HeaderFields(http.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        return CheckRequest(
            method: http.method,
            rawTarget: http.path,
            headers: headers,
            body: body(of: http, headers: headers, maxBodyBytes: maxBodyBytes))
    }

    /// The body as far as Envoy let us see it.
    ///
    /// With `pack_as_bytes: true` Envoy sends the exact bytes in `raw_body`; otherwise `body`
    /// holds them as UTF-8 with invalid sequences replaced, which is still good enough to read a
    /// JSON `model` but is not byte-exact (hence no length check against it below).
    static func body(
        of http: Envoy_Service_Auth_V3_AttributeContext.HttpRequest, headers: HeaderFields, maxBodyBytes: Int
    ) -> RequestBody {
        let exact = !http.rawBody.isEmpty
        let byteCount = exact ? http.rawBody.count : http.body.utf8.count

        // Checked before the partial flag: Envoy's prefix being over the limit already proves
        // the whole body is.
        if byteCount > maxBodyBytes { return .tooLarge }
        if headers.first(partialBodyHeader)?.lowercased() == "true" { return .incomplete }
        if let announced = headers.first("content-length").flatMap({ Int($0) }) {
            if announced > maxBodyBytes { return .tooLarge }
            // No body at all although one was announced: `with_request_body` is missing from
            // the filter config. Exact bytes of another length: the body was cut short.
            if announced > 0, byteCount == 0 { return .incomplete }
            if exact, announced != byteCount { return .incomplete }
        }
        return .complete(exact ? [UInt8](http.rawBody) : Array(http.body.utf8))
    }
}
