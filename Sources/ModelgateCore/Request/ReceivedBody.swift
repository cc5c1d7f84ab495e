/// What a front received of the original request's body, and what the proxy said about it.
///
/// Every front (HTTP `/check` in both styles, `POST /v1/decision`, gRPC `Check`,
/// `modelgate check`) describes its body with this and turns it into the engine's `RequestBody`
/// with `requestBody(maxBodyBytes:)`: the edge cases live here once. Whether a route needs a
/// body at all is the engine's rule (a POST on a body-routed route with no body is
/// `body_incomplete`, CONTRACT §3).
public struct ReceivedBody: Sendable, Equatable {
    public enum Bytes: Sendable, Equatable {
        /// Every byte the front was handed (possibly none).
        case received([UInt8])
        /// The body grew past `max_body_bytes`; the front stopped buffering.
        case overLimit
        /// An announced body did not arrive within the read timeout.
        case timedOut
    }

    public var bytes: Bytes
    /// False when the bytes may differ in length from the client's (Envoy's `body` string, where
    /// invalid UTF-8 was replaced): an announced length is then not compared with them.
    public var exact: Bool
    /// Header values announcing the original body's length (nginx `X-Original-Content-Length`;
    /// the original `Content-Length` where the headers are the original request's).
    public var announcedLengths: [String]
    /// gRPC `request.http.size`: the body bytes Envoy had received when it asked, -1 when
    /// unknown; nil when the front has no such figure.
    public var receivedSize: Int64?
    /// The proxy says it forwarded only a prefix (`x-envoy-auth-partial-body: true`).
    public var partial: Bool

    public init(
        _ bytes: Bytes, exact: Bool = true, announcedLengths: [String] = [], receivedSize: Int64? = nil, partial: Bool = false
    ) {
        self.bytes = bytes
        self.exact = exact
        self.announcedLengths = announcedLengths
        self.receivedSize = receivedSize
        self.partial = partial
    }

    public static func complete(_ bytes: [UInt8]) -> ReceivedBody { ReceivedBody(.received(bytes)) }
    public static let overLimit = ReceivedBody(.overLimit)
    public static let timedOut = ReceivedBody(.timedOut)

    /// A body that comes with the original request's own headers (gRPC attributes, a decision
    /// query, `modelgate check`): their `Content-Length` announces it and a partial-body mark
    /// counts.
    public static func withOriginalHeaders(
        _ bytes: Bytes, headers: HeaderFields, exact: Bool = true, receivedSize: Int64? = nil
    ) -> ReceivedBody {
        ReceivedBody(
            bytes, exact: exact, announcedLengths: headers.all("content-length"), receivedSize: receivedSize,
            partial: isPartial(headers))
    }

    /// Envoy adds this header to a check (never to the upstream request) when
    /// `with_request_body.allow_partial_message` cut the body at `max_request_bytes`.
    public static let partialBodyHeader = "x-envoy-auth-partial-body"

    /// Whether `headers` mark the body as a prefix: any value (or comma-joined element) equal
    /// to `true`, in any case. Header values are trimmed when `HeaderFields` is built.
    public static func isPartial(_ headers: HeaderFields) -> Bool {
        headers.listElements(partialBodyHeader).contains { $0.lowercased() == "true" }
    }

    /// The engine's view of the body.
    ///
    /// - Over `maxBodyBytes` (received, or announced) → `tooLarge`; checked before the partial
    ///   flag, since a prefix over the limit proves the whole body is.
    /// - Marked partial, timed out, an announced length that is unreadable, repeated with
    ///   different values, or different from the exact bytes received, or a body announced
    ///   (`receivedSize` other than 0, -1 included) but none forwarded → `incomplete`.
    public func requestBody(maxBodyBytes: Int) -> RequestBody {
        let received: [UInt8]
        switch bytes {
        case .overLimit: return .tooLarge
        case .timedOut: return .incomplete
        case .received(let all): received = all
        }
        if received.count > maxBodyBytes { return .tooLarge }
        if partial { return .incomplete }
        switch Self.announcedLength(announcedLengths) {
        case .none:
            break
        case .unreadable:
            return .incomplete
        case .length(let length):
            if length > maxBodyBytes { return .tooLarge }
            if length > 0, received.isEmpty { return .incomplete }
            if exact, length != received.count { return .incomplete }
        }
        if let receivedSize, receivedSize != 0, received.isEmpty { return .incomplete }
        return .complete(received)
    }

    private enum Announced: Equatable {
        case none
        case length(Int)
        case unreadable
    }

    /// The one length `values` announce: every non-empty element (a proxy joins repeats with
    /// `,`) must be the same decimal number; none at all (nginx's empty `$content_length` for a
    /// chunked request) announces nothing.
    private static func announcedLength(_ values: [String]) -> Announced {
        var length: Int?
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.trimmingSpaces
                if digits.isEmpty { continue }
                guard digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let parsed = Int(digits) else { return .unreadable }
                if let length, length != parsed { return .unreadable }
                length = parsed
            }
        }
        return length.map(Announced.length) ?? .none
    }
}
