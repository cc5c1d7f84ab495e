import ModelgateCore
import NIOHTTP1

/// Turns a `/check` request into the `CheckRequest` of the original request.
///
/// Pure, so the two request styles can be tested without a socket. The body is judged by the
/// core's `ReceivedBody`, as on every front.
enum CheckRequestBuilder {
    /// Either the original request, or the reason the `/check` request cannot describe one
    /// (a proxy misconfiguration; the front denies and logs it).
    enum Outcome {
        case request(CheckRequest)
        case misconfigured(String)
    }

    static let originalMethod = "x-original-method"
    static let originalURI = "x-original-uri"
    static let originalContentLength = "x-original-content-length"

    /// nginx `auth_request`: method and target from `X-Original-Method` / `X-Original-URI`; the
    /// original body's length from `X-Original-Content-Length` (nginx `$content_length`, empty
    /// for a chunked request).
    static func nginx(head: HTTPRequestHead, body: ReceivedBody, maxBodyBytes: Int) -> Outcome {
        let headers = headerFields(head.headers)
        let methods = headers.all(originalMethod)
        let uris = headers.all(originalURI)
        // Exactly one of each: a missing or repeated one leaves the original request unknown.
        guard uris.count == 1, let uri = uris.first, !uri.isEmpty else {
            return .misconfigured(uris.isEmpty
                ? "the /check request has no X-Original-URI header; the proxy must send the original request target"
                : "the /check request has more than one X-Original-URI value")
        }
        guard methods.count == 1, let method = methods.first, !method.isEmpty else {
            return .misconfigured(methods.isEmpty
                ? "the /check request has no X-Original-Method header; the proxy must send the original method"
                : "the /check request has more than one X-Original-Method value")
        }
        var received = body
        received.announcedLengths = headers.all(originalContentLength)
        received.partial = ReceivedBody.isPartial(headers)
        return .request(CheckRequest(
            method: method, rawTarget: uri, headers: headers, body: received.requestBody(maxBodyBytes: maxBodyBytes)))
    }

    /// Envoy `path_prefix: /check`: the request's own method; the target is what follows
    /// `/check`. Client-sent `X-Original-*` headers are not consulted: the path is the original.
    /// The body is Envoy's whole buffered body unless it is marked partial
    /// (`allow_partial_message`: a prefix; the upstream gets all).
    static func envoy(head: HTTPRequestHead, rawTarget: String, body: ReceivedBody, maxBodyBytes: Int = .max) -> Outcome {
        let headers = headerFields(head.headers)
        var received = body
        received.partial = ReceivedBody.isPartial(headers)
        return .request(CheckRequest(
            method: head.method.rawValue, rawTarget: rawTarget, headers: headers,
            body: received.requestBody(maxBodyBytes: maxBodyBytes)))
    }

    /// The headers as they came, names lower-cased, values trimmed, order and repeats kept.
    static func headerFields(_ headers: HTTPHeaders) -> HeaderFields {
        var fields = HeaderFields()
        for (name, value) in headers { fields.add(name: name, value: value) }
        return fields
    }
}
