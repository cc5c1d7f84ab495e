import ModelgateCore
import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection's request cycle, without a socket: reading a request, its deadlines,
/// answering early, closing. `HTTPFrontHandler` feeds it NIO's events and carries out what it
/// returns (like swift-nio's own `HTTPServerPipelineHandler` state machine), so every rule here
/// is tested by calling it.
///
/// Deadlines (CONTRACT §4, `FrontLimits`):
/// - a request head must be complete within `headTimeout` of the connection's start; after a
///   response, within `headTimeout` of it once the next request has begun, while a connection
///   on which nothing has begun is closed after `idleTimeout`;
/// - a body must be complete within `bodyTimeout` of its head, however it progresses
///   (`body_incomplete` on checks, 408 elsewhere);
/// - a check's announced body that stops arriving is given up after `bodyStallTimeout` without
///   progress (plain nginx `auth_request` announces `Content-Length` and never sends a byte).
///
/// Body bytes are counted against a `BodyBudget` shared by every connection: past it a new body
/// is answered at once (`body_too_large` on checks, 503 elsewhere) instead of buffered.
///
/// One timer slot (`deadline`) holds the head, idle or body deadline; a second (`stall`) the
/// progress timer of a check's body.
struct HTTPConnectionStateMachine {
    struct Timeouts: Sendable {
        var head: TimeAmount
        var idle: TimeAmount
        var body: TimeAmount
        var bodyStall: TimeAmount

        init(_ limits: FrontLimits, bodyStall: TimeAmount) {
            head = TimeAmount(limits.headTimeout)
            idle = TimeAmount(limits.idleTimeout)
            body = TimeAmount(limits.bodyTimeout)
            self.bodyStall = bodyStall
        }
    }

    /// What the request is, decided at its head.
    struct Plan {
        var route: FrontRoute
        /// The snapshot a check is decided against, read once at its head; nil for other routes.
        var check: PolicySnapshot?
        var bodyLimit: Int
    }

    /// A request the handler answers now.
    enum Answer {
        /// The whole request arrived: answer it on its route.
        case complete(Plan, HTTPRequestHead, body: ByteBuffer?)
        /// Cut short; the connection closes after the answer.
        case early(Plan, HTTPRequestHead, EarlyReason)
    }

    enum EarlyReason: Equatable {
        /// The body is (announced or found) larger than the route's limit.
        case overLimit
        /// The bytes buffered across connections reached `max_buffered_body_bytes`.
        case bufferFull
        /// Not complete within `bodyTimeout` of the head.
        case bodyDeadline
        /// A check's announced body made no progress for `bodyStallTimeout`.
        case bodyStalled
    }

    enum TimerOrder: Equatable {
        case keep
        case cancel
        case arm(TimeAmount)
    }

    /// What the handler does after an event.
    struct Step {
        var deadline = TimerOrder.keep
        var stall = TimerOrder.keep
        /// `100 Continue` before the body.
        var sendContinue = false
        var answer: Answer?
        /// Close the connection now (head or idle deadline passed).
        var close = false
    }

    private enum State {
        /// Waiting for a request head. `begun`: bytes of it arrived; `afterResponse`: a
        /// keep-alive connection, so silence is idleness, not a stalled head.
        case awaitingHead(begun: Bool, afterResponse: Bool, idle: Bool)
        case reading(Plan, HTTPRequestHead)
        /// The request is being answered (synchronously or, for the admin API, later).
        case answering
        /// Answered before the request ended: the rest of the input is ignored.
        case closing
    }

    private var state = State.awaitingHead(begun: false, afterResponse: false, idle: false)
    private let timeouts: Timeouts
    private let budget: BodyBudget
    private var body: ByteBuffer?
    /// Budget held for `body`'s capacity.
    private var reserved = 0
    private var progressed = false
    /// Bytes read since the last request's head or end: the next request has begun.
    private var bytesSinceRequest = false

    /// A body buffer this small is kept for the connection's next request.
    static let retainedBodyCapacity = 64 * 1024

    init(timeouts: Timeouts, budget: BodyBudget) {
        self.timeouts = timeouts
        self.budget = budget
    }

    /// The received body, for a route answered later (admin API).
    var receivedBody: ByteBuffer? { body }

    // MARK: - Events

    mutating func connectionStarted() -> Step {
        Step(deadline: .arm(timeouts.head))
    }

    /// Raw bytes arrived (before HTTP decoding).
    mutating func bytesArrived() -> Step {
        bytesSinceRequest = true
        guard case .awaitingHead(false, let afterResponse, let idle) = state else { return Step() }
        state = .awaitingHead(begun: true, afterResponse: afterResponse, idle: false)
        // Past the head timeout of an idle keep-alive connection: the head gets its own now.
        return idle ? Step(deadline: .arm(timeouts.head)) : Step()
    }

    mutating func headReceived(_ head: HTTPRequestHead, plan: Plan) -> Step {
        guard case .awaitingHead = state else { return Step() }
        bytesSinceRequest = false
        progressed = false
        state = .reading(plan, head)
        var step = Step(deadline: .cancel, stall: .cancel)

        let announced = head.headers.first(name: "content-length").flatMap { Int($0) }
        let bodyFollows = (announced ?? 0) > 0 || head.headers.contains(name: "transfer-encoding")
        guard bodyFollows else { return step }
        if let announced, announced > plan.bodyLimit { return finishEarly(&step, .overLimit) }
        // A new body that the budget cannot hold is answered now rather than buffered.
        if budget.available < max(1, (announced ?? 1) - (body?.capacity ?? 0)) { return finishEarly(&step, .bufferFull) }
        step.sendContinue = Self.expectsContinue(head)
        step.deadline = .arm(timeouts.body)
        if plan.check != nil { step.stall = .arm(timeouts.bodyStall) }
        return step
    }

    mutating func bodyReceived(_ part: inout ByteBuffer, allocator: ByteBufferAllocator) -> Step {
        guard case .reading(let plan, _) = state else { return Step() }
        progressed = true
        let received = body?.readableBytes ?? 0
        guard part.readableBytes <= plan.bodyLimit - received else {
            var step = Step(deadline: .cancel, stall: .cancel)
            return finishEarly(&step, .overLimit)
        }
        let needed = received + part.readableBytes
        let capacity = body?.capacity ?? 0
        if needed > capacity {
            // Grown here, to a size the budget holds, so NIO never grows it behind our back.
            // Doubling, like NIO, when the budget allows; else exactly what is needed.
            var grown = Swift.max(needed, Swift.min(plan.bodyLimit, capacity * 2), 256)
            if !budget.reserve(grown - capacity) {
                grown = needed
                guard budget.reserve(grown - capacity) else {
                    var step = Step(deadline: .cancel, stall: .cancel)
                    return finishEarly(&step, .bufferFull)
                }
            }
            reserved += grown - capacity
            if body == nil {
                body = allocator.buffer(capacity: grown)
            } else {
                body!.reserveCapacity(minimumWritableBytes: grown - received)
            }
        }
        body!.writeBuffer(&part)
        return Step()
    }

    mutating func endReceived() -> Step {
        guard case .reading(let plan, let head) = state else { return Step() }
        bytesSinceRequest = false
        state = .answering
        return Step(deadline: .cancel, stall: .cancel, answer: .complete(plan, head, body: body.flatMap { $0.readableBytes > 0 ? $0 : nil }))
    }

    /// The `deadline` timer fired.
    mutating func deadlinePassed() -> Step {
        switch state {
        case .awaitingHead(let begun, let afterResponse, let idle):
            if afterResponse && !begun && !idle {
                // Nothing of a next request yet: an idle keep-alive connection, closed at the
                // idle timeout counted from the response.
                state = .awaitingHead(begun: false, afterResponse: true, idle: true)
                return Step(deadline: .arm(timeouts.idle - timeouts.head))
            }
            state = .closing
            releaseBody()
            return Step(deadline: .cancel, stall: .cancel, close: true)
        case .reading:
            var step = Step(deadline: .cancel, stall: .cancel)
            return finishEarly(&step, .bodyDeadline)
        case .answering, .closing:
            return Step()
        }
    }

    /// The `stall` timer fired.
    mutating func stallPassed() -> Step {
        guard case .reading = state else { return Step() }
        if progressed {
            progressed = false
            return Step(stall: .arm(timeouts.bodyStall))
        }
        var step = Step(deadline: .cancel, stall: .cancel)
        return finishEarly(&step, .bodyStalled)
    }

    /// The answer was written and the connection stays open for the next request.
    mutating func responseSent(keepAlive: Bool) -> Step {
        guard case .answering = state else { return Step() }
        keepBodyBufferIfSmall()
        guard keepAlive else {
            state = .closing
            releaseBody()
            return Step()
        }
        state = .awaitingHead(begun: bytesSinceRequest, afterResponse: true, idle: false)
        return Step(deadline: .arm(timeouts.head))
    }

    mutating func connectionClosed() -> Step {
        state = .closing
        releaseBody()
        return Step(deadline: .cancel, stall: .cancel)
    }

    // MARK: - Helpers

    private mutating func finishEarly(_ step: inout Step, _ reason: EarlyReason) -> Step {
        guard case .reading(let plan, let head) = state else { return step }
        state = .closing
        releaseBody()
        step.answer = .early(plan, head, reason)
        return step
    }

    /// Reuse a small body buffer on a keep-alive connection, but let a large one go.
    private mutating func keepBodyBufferIfSmall() {
        if let capacity = body?.capacity, capacity <= Self.retainedBodyCapacity {
            body!.clear()
        } else {
            releaseBody()
        }
    }

    private mutating func releaseBody() {
        body = nil
        budget.release(reserved)
        reserved = 0
    }

    static func expectsContinue(_ head: HTTPRequestHead) -> Bool {
        head.version.major == 1 && head.version.minor >= 1
            && head.headers["expect"].contains { $0.lowercased() == "100-continue" }
    }
}

extension HTTPConnectionStateMachine.Plan {
    /// Routes `head` and sets its body limit: a check's is the policy's `max_body_bytes`;
    /// `/v1/decision` takes at least twice that (the described body travels JSON-escaped in it);
    /// every other route `max_admin_body_bytes`.
    init(head: HTTPRequestHead, snapshot: PolicySnapshot) {
        route = FrontRoute.classify(method: head.method, uri: head.uri)
        let settings = snapshot.settings
        switch route {
        case .checkNginx, .checkEnvoy:
            check = snapshot
            bodyLimit = settings.maxBodyBytes
        case .decision:
            check = nil
            bodyLimit = Swift.max(settings.limits.maxAdminBodyBytes, settings.maxBodyBytes > Int.max / 2 ? Int.max : settings.maxBodyBytes * 2)
        default:
            check = nil
            bodyLimit = settings.limits.maxAdminBodyBytes
        }
    }
}
