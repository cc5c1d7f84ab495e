import NIOCore
import NIOPosix

/// Tuning of the HTTP front that is not policy; the defaults suit a sidecar next to nginx or
/// Envoy. Deadlines and size caps are `modelgate_settings` (`FrontLimits`), read from the policy.
public struct HTTPFrontConfiguration: Sendable {
    /// How long an announced `/check` body may make no progress before the check is denied
    /// with `body_incomplete` (`serve --body-timeout`). Plain nginx `auth_request` announces the
    /// client's `Content-Length` and never sends the bytes; waiting longer only delays the
    /// denial. The absolute body deadline (`request_body_timeout_seconds`) applies as well.
    public var bodyReadTimeout: Duration
    /// How long a graceful shutdown waits for requests in flight before it closes the
    /// connections still open.
    public var drainTimeout: Duration
    /// The event loops serving connections.
    public var eventLoopGroup: any EventLoopGroup

    public init(
        bodyReadTimeout: Duration = .seconds(1),
        drainTimeout: Duration = .seconds(10),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.bodyReadTimeout = bodyReadTimeout
        self.drainTimeout = drainTimeout
        self.eventLoopGroup = eventLoopGroup
    }
}
