import NIOCore
import NIOPosix

/// Tuning of the HTTP front; the defaults suit a sidecar next to nginx or Envoy.
public struct HTTPFrontConfiguration: Sendable {
    /// How long an announced request body may stall before the check is denied with
    /// `body_incomplete`. Plain nginx `auth_request` announces the client's `Content-Length`
    /// and never sends the bytes; waiting longer only delays the denial.
    public var bodyReadTimeout: Duration
    /// Largest body accepted on the admin API and `/v1/decision` (checks use the policy's
    /// `max_body_bytes`; `/v1/decision` gets at least twice that, its body is JSON-escaped).
    public var maxAdminBodyBytes: Int
    /// The event loops serving connections.
    public var eventLoopGroup: any EventLoopGroup

    public init(
        bodyReadTimeout: Duration = .seconds(1),
        maxAdminBodyBytes: Int = 1 << 20,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.bodyReadTimeout = bodyReadTimeout
        self.maxAdminBodyBytes = maxAdminBodyBytes
        self.eventLoopGroup = eventLoopGroup
    }
}
