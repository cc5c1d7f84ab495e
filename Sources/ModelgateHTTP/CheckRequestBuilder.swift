import ModelgateCore
import NIOHTTP1

/// What the front knows about the body that came with a `/check` request.
enum ReceivedBody {
    /// The whole body arrived (possibly empty).
    case complete([UInt8])
    /// It grew past `max_body_bytes`; the front stopped buffering.
    case overLimit
    /// An announced body did not arrive within the read timeout.
    case timedOut
}

/// Turns a `/check` request into the `CheckRequest` of the original request.
///
/// Pure, so the two request styles can be tested without a socket.
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
    static let partialBody = "x-envoy-auth-partial-body"

    /// nginx `auth_request`: method and target from `X-Original-Method` / `X-Original-URI`.
    static func nginx(head: HTTPRequestHead, body: ReceivedBody, maxBodyBytes: Int) -> Outcome {
        let methods = head.headers[originalMethod]
        let uris = head.headers[originalURI]
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
        var requestBody = requestBody(body)
        if case .complete(let bytes) = requestBody {
            requestBody = reconcile(bytes, originalLength: head.headers[originalContentLength], maxBodyBytes: maxBodyBytes)
        }
        return .request(CheckRequest(
            method: method, rawTarget: uri,
            headers: headerFields(head.headers), body: requestBody))
    }

    /// Envoy `path_prefix: /check`: the request's own method; the target is what follows
    /// `/check`. Client-sent `X-Original-*` headers are not consulted: the path is the original.
    static func envoy(head: HTTPRequestHead, rawTarget: String, body: ReceivedBody) -> Outcome {
        var requestBody = requestBody(body)
        // Envoy's `allow_partial_message` forwards a prefix and says so; the upstream gets all.
        if head.headers[partialBody].contains(where: { $0.trimmingASCIISpaces.lowercased() == "true" }) {
            requestBody = .incomplete
        }
        return .request(CheckRequest(
            method: head.method.rawValue, rawTarget: rawTarget,
            headers: headerFields(head.headers), body: requestBody))
    }

    private static func requestBody(_ body: ReceivedBody) -> RequestBody {
        switch body {
        case .complete(let bytes): return .complete(bytes)
        case .overLimit: return .tooLarge
        case .timedOut: return .incomplete
        }
    }

    /// Compares the body received with the length the proxy says the client sent
    /// (`X-Original-Content-Length`, nginx: `$content_length`). An unreadable length is
    /// treated as a mismatch: fail closed.
    static func reconcile(_ bytes: [UInt8], originalLength values: [String], maxBodyBytes: Int) -> RequestBody {
        let present = values.map(\.trimmingASCIISpaces).filter { !$0.isEmpty }
        guard !present.isEmpty else { return .complete(bytes) }
        guard present.count == 1, let length = Int(present[0]), length >= 0 else { return .incomplete }
        if length > maxBodyBytes { return .tooLarge }
        return length == bytes.count ? .complete(bytes) : .incomplete
    }

    /// The headers as they came, names lower-cased, order and repeats kept.
    static func headerFields(_ headers: HTTPHeaders) -> HeaderFields {
        var fields = HeaderFields()
        for (name, value) in headers { fields.add(name: name, value: value) }
        return fields
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (HTTP optional whitespace).
    var trimmingASCIISpaces: Substring {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
