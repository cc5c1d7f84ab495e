/// One request a proxy asks about: the original method, raw target, headers and body.
///
/// Adapters (HTTP `/check`, gRPC `Check`, `modelgate check`) build this; the engine never sees
/// the transport.
public struct CheckRequest: Sendable {
    /// The original method, e.g. `POST`.
    public var method: String
    /// The original request target, raw and still percent-encoded, with its query.
    public var rawTarget: String
    public var headers: HeaderFields
    public var body: RequestBody

    public init(method: String, rawTarget: String, headers: HeaderFields, body: RequestBody) {
        self.method = method
        self.rawTarget = rawTarget
        self.headers = headers
        self.body = body
    }
}

/// What the adapter knows about the original body.
public enum RequestBody: Sendable, Equatable {
    /// The whole body (possibly empty) as the client sent it.
    case complete([UInt8])
    /// The proxy forwarded only part of it (Envoy partial body, short read, length mismatch).
    case incomplete
    /// The body is larger than `max_body_bytes`.
    case tooLarge

    public static let empty = RequestBody.complete([])
}
