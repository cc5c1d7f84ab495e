import struct Foundation.Date
import Logging
import ModelgateCore
import ModelgateStore
import NIOCore
import NIOHTTP1

/// One connection's request handler, behind NIO's HTTP/1.1 server pipeline (which holds back
/// pipelined requests until the current response has ended, so there is one request at a time).
///
/// Thin: NIO's events go to `HTTPConnectionStateMachine`, which owns the request cycle
/// (reading, deadlines, early answers, closing); this class runs its timers and writes the
/// answers it asks for.
final class HTTPFrontHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let shared: FrontShared
    private var machine: HTTPConnectionStateMachine
    private var deadline = Alarm()
    private var stall = Alarm()
    /// The head of the request being answered (its version and method shape the response).
    private var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
    private var closing = false

    /// How long a connection answered before its request ended keeps draining input.
    private static let lingerAfterEarlyAnswer = TimeAmount.seconds(2)

    init(shared: FrontShared) {
        self.shared = shared
        machine = HTTPConnectionStateMachine(
            timeouts: .init(shared.holder.snapshot.settings.limits, bodyStall: shared.bodyReadTimeout),
            budget: shared.budget)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { perform(machine.connectionStarted(), context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(machine.connectionStarted(), context: context)
        context.fireChannelActive()
    }

    /// Raw bytes arrived (from `ReadActivityHandler`, ahead of the HTTP decoder).
    func bytesArrived(context: ChannelHandlerContext) {
        perform(machine.bytesArrived(), context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            let plan = HTTPConnectionStateMachine.Plan(head: head, snapshot: shared.holder.snapshot)
            perform(machine.headReceived(head, plan: plan), context: context)
        case .body(var part):
            perform(machine.bodyReceived(&part, allocator: context.channel.allocator), context: context)
        case .end:
            perform(machine.endReceived(), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.connectionClosed(), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Parse errors were answered (400) by NIO's error handler before us; anything else
        // leaves the connection in an unknown state.
        perform(machine.connectionClosed(), context: context)
        context.close(promise: nil)
    }

    // MARK: - Carrying out a step

    private func perform(_ step: HTTPConnectionStateMachine.Step, context: ChannelHandlerContext) {
        carryOut(step.deadline, on: \.deadline, context: context) { $0.deadlinePassed() }
        carryOut(step.stall, on: \.stall, context: context) { $0.stallPassed() }
        if step.close {
            closing = true
            context.close(promise: nil)
            return
        }
        if let answer = step.answer {
            answerRequest(answer, context: context)
        }
        if step.sendContinue {
            // curl sends `Expect: 100-continue` for bodies over 1 KiB and then waits a second
            // before sending anyway; without this the stall timer would race that wait.
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
    }

    /// One of the machine's timers; a firing from before its last re-arm or cancel is ignored.
    private struct Alarm {
        var scheduled: Scheduled<Void>?
        var generation: UInt64 = 0
    }

    private func carryOut(
        _ order: HTTPConnectionStateMachine.TimerOrder, on alarm: ReferenceWritableKeyPath<HTTPFrontHandler, Alarm>,
        context: ChannelHandlerContext, fired: @escaping (inout HTTPConnectionStateMachine) -> HTTPConnectionStateMachine.Step
    ) {
        switch order {
        case .keep:
            return
        case .cancel:
            self[keyPath: alarm].scheduled?.cancel()
            self[keyPath: alarm].scheduled = nil
        case .arm(let delay):
            self[keyPath: alarm].scheduled?.cancel()
            self[keyPath: alarm].generation &+= 1
            let generation = self[keyPath: alarm].generation
            let bound = NIOLoopBound((handler: self, context: context, alarm: alarm, fired: fired), eventLoop: context.eventLoop)
            self[keyPath: alarm].scheduled = context.eventLoop.scheduleTask(in: delay) {
                let (handler, context, alarm, fired) = bound.value
                guard handler[keyPath: alarm].generation == generation else { return }
                handler[keyPath: alarm].scheduled = nil
                handler.perform(fired(&handler.machine), context: context)
            }
        }
    }

    // MARK: - Answers

    private func answerRequest(_ answer: HTTPConnectionStateMachine.Answer, context: ChannelHandlerContext) {
        switch answer {
        case .complete(let plan, let head, let body):
            self.head = head
            answerComplete(plan, body: body, context: context)
        case .early(let plan, let head, let reason):
            self.head = head
            closing = true
            answerEarly(plan, reason: reason, context: context)
        }
    }

    private func answerComplete(_ plan: HTTPConnectionStateMachine.Plan, body: ByteBuffer?, context: ChannelHandlerContext) {
        if let snapshot = plan.check {
            answerCheck(context: context, route: plan.route, snapshot: snapshot, body: .complete(Self.bytes(body)))
            return
        }
        switch plan.route {
        case .checkNginx, .checkEnvoy:
            // A check's plan always carries its snapshot (`Plan.init`); decide on the current one.
            answerCheck(context: context, route: plan.route, snapshot: shared.holder.snapshot, body: .complete(Self.bytes(body)))
        case .decision:
            answerDecisionQuery(context: context, body: Self.bytes(body))
        case .liveliness:
            respond(context: context, status: .ok, json: #"{"status":"alive"}"#)
        case .readiness:
            answerReadiness(context: context)
        case .metrics:
            answerMetrics(context: context)
        case .methodNotAllowed(let allowed):
            var headers = HTTPHeaders()
            headers.add(name: "allow", value: allowed)
            respond(context: context, status: .methodNotAllowed, headers: headers,
                    json: ErrorDocument.make(message: "method \(head.method.rawValue) not allowed here; use \(allowed)", type: "method_not_allowed", code: 405))
        case .admin(let path, let query):
            answerAdmin(context: context, path: path, query: query, body: Self.bytes(body))
        }
    }

    private func answerEarly(_ plan: HTTPConnectionStateMachine.Plan, reason: HTTPConnectionStateMachine.EarlyReason, context: ChannelHandlerContext) {
        if let snapshot = plan.check {
            let body: ReceivedBody
            switch reason {
            case .overLimit, .bufferFull: body = .overLimit
            case .bodyDeadline, .bodyStalled:
                body = .timedOut
                shared.logger.warning(
                    reason == .bodyStalled
                        ? "announced request body did not arrive; denying with body_incomplete"
                        : "request body not complete within the body deadline; denying with body_incomplete",
                    metadata: [
                        "announced": .string(LogText.client(head.headers.first(name: "content-length") ?? "chunked")),
                        "hint": "nginx auth_request never forwards the body: set `proxy_pass_request_body off; proxy_set_header Content-Length \"\";` or forward the body through njs (see the README)",
                    ])
            }
            answerCheck(context: context, route: plan.route, snapshot: snapshot, body: body)
            return
        }
        switch reason {
        case .overLimit:
            respond(context: context, status: .payloadTooLarge,
                    json: ErrorDocument.make(message: "request body larger than \(plan.bodyLimit) bytes", type: "body_too_large", code: 413))
        case .bufferFull:
            respond(context: context, status: .serviceUnavailable,
                    json: ErrorDocument.make(message: "too many request bodies in flight; retry later", type: "overloaded", code: 503))
        case .bodyDeadline, .bodyStalled:
            respond(context: context, status: .requestTimeout,
                    json: ErrorDocument.make(message: "request body not complete in time", type: "request_timeout", code: 408))
        }
    }

    private static func bytes(_ body: ByteBuffer?) -> [UInt8] {
        guard let body, body.readableBytes > 0 else { return [] }
        return Array(body.readableBytesView)
    }

    private func answerCheck(context: ChannelHandlerContext, route: FrontRoute, snapshot: PolicySnapshot, body: ReceivedBody) {
        let started = NIODeadline.now()
        let outcome: CheckRequestBuilder.Outcome
        switch route {
        case .checkEnvoy(let rawTarget):
            outcome = CheckRequestBuilder.envoy(head: head, rawTarget: rawTarget, body: body, maxBodyBytes: snapshot.settings.maxBodyBytes)
        default:
            outcome = CheckRequestBuilder.nginx(head: head, body: body, maxBodyBytes: snapshot.settings.maxBodyBytes)
        }
        var decision: Decision
        switch outcome {
        case .request(let request):
            decision = DecisionEngine.decide(request, in: snapshot, now: Date())
        case .misconfigured(let problem):
            shared.logger.warning("cannot tell the original request from a /check request", metadata: ["problem": .string(LogText.client(problem))])
            decision = .deny(.ambiguousPath, problem)
        }
        decision = decision.checkedForEmission
        let elapsed = NIODeadline.now().uptimeNanoseconds &- started.uptimeNanoseconds
        shared.recorder.record(decision, front: "http", elapsedNanoseconds: elapsed)

        var headers = HTTPHeaders()
        if decision.allow {
            for header in decision.upstreamHeaders(revealingSecrets: true) {
                headers.add(name: header.name, value: header.value)
            }
            if !decision.removeHeaders.isEmpty {
                headers.add(name: "x-envoy-auth-headers-to-remove", value: decision.removeHeaders.joined(separator: ", "))
            }
            respond(context: context, status: .ok, headers: headers, body: nil)
        } else {
            for header in decision.denyHeaders { headers.add(name: header.name, value: header.value) }
            respond(context: context, status: HTTPResponseStatus(statusCode: decision.status), headers: headers,
                    body: context.channel.allocator.buffer(string: decision.errorBody))
        }
    }

    private func answerDecisionQuery(context: ChannelHandlerContext, body: [UInt8]) {
        let snapshot = shared.holder.snapshot
        do {
            let request = try DecisionQuery.parse(body, maxBodyBytes: snapshot.settings.maxBodyBytes)
            // A what-if query, not a check a proxy acted on: not recorded in the audit trail.
            let decision = DecisionEngine.decide(request, in: snapshot, now: Date())
            respond(context: context, status: .ok, json: decision.document)
        } catch {
            respond(context: context, status: .badRequest,
                    json: ErrorDocument.make(message: error.message, type: "bad_request", code: 400))
        }
    }

    private func answerReadiness(context: ChannelHandlerContext) {
        if shared.holder.snapshot.isStale(at: Date()) {
            respond(context: context, status: .serviceUnavailable, json: #"{"status":"policy_stale","database":"unavailable"}"#)
        } else if shared.policy.isReady {
            // Checks are answered from the snapshot whatever the database does, so the service
            // stays ready; a database fault (admin writes failing) is reported, not hidden.
            let database = shared.policy.databaseHealth.fault.map {
                #""database":"unavailable","database_error":\#(ErrorDocument.quoted($0.message)),"database_unavailable_since":\#(Int($0.since.timeIntervalSince1970))"#
            } ?? #""database":"ok""#
            respond(context: context, status: .ok,
                    json: #"{"status":"ready","generation":\#(shared.holder.snapshot.generation),"policy_age_seconds":\#(Int(Date().timeIntervalSince(shared.policy.lastSynchronised))),\#(database)}"#)
        } else {
            respond(context: context, status: .serviceUnavailable, json: #"{"status":"not_ready"}"#)
        }
    }

    private func answerMetrics(context: ChannelHandlerContext) {
        shared.policyMetrics.observe(shared.holder.snapshot, now: Date())
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; version=0.0.4; charset=utf-8")
        let text = shared.prometheus.emitToBuffer()
        var buffer = context.channel.allocator.buffer(capacity: text.count)
        buffer.writeBytes(text)
        respond(context: context, status: .ok, headers: headers, body: buffer)
    }

    /// Hands the request to the admin API (asynchronous: it may write the database) and
    /// answers on this connection's event loop when it is done.
    private func answerAdmin(context: ChannelHandlerContext, path: Substring, query: Substring?, body: [UInt8]) {
        let head = self.head
        let admin = shared.policy.admin
        let decodedPath = AdminTarget.decodePath(path)
        let pairs = AdminTarget.decodeQuery(query)
        let headers = CheckRequestBuilder.headerFields(head.headers)
        let promise = context.eventLoop.makePromise(of: AdminResponse?.self)
        promise.completeWithTask {
            await admin.handle(method: head.method.rawValue, path: decodedPath, query: pairs, headers: headers, body: body)
        }
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        promise.futureResult.whenComplete { result in
            let (handler, context) = bound.value
            guard context.channel.isActive else { return }
            switch result {
            case .success(let response?):
                handler.respond(context: context, status: HTTPResponseStatus(statusCode: response.status), json: response.body)
            case .success(nil):
                handler.respond(context: context, status: .notFound,
                                json: ErrorDocument.make(message: "no route \(head.method.rawValue) \(decodedPath)", type: "not_found", code: 404))
            case .failure:
                handler.respond(context: context, status: .internalServerError,
                                json: ErrorDocument.make(message: "the admin request failed", type: "internal_error", code: 500))
            }
        }
    }

    // MARK: - Writing

    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), json: String) {
        var headers = headers
        headers.add(name: "content-type", value: "application/json")
        respond(context: context, status: status, headers: headers, body: context.channel.allocator.buffer(string: json))
    }

    /// Writes one whole response in the request's HTTP version, keeping the connection open
    /// when the request allows it and it was not answered early.
    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer?) {
        var headers = headers
        let keepAlive = head.isKeepAlive && !closing
        headers.add(name: "content-length", value: String(body?.readableBytes ?? 0))
        if !keepAlive {
            headers.add(name: "connection", value: "close")
        } else if head.version.major == 1 && head.version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if let body, head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        if keepAlive {
            // Before the end is written: NIO's pipelining handler hands over the next pipelined
            // request from within that write, and the machine must be waiting for it.
            perform(machine.responseSent(keepAlive: true), context: context)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else if closing {
            // Answered before the request ended (body over the limit, stalled or late): the
            // client may still be sending. Closing with its bytes unread makes the kernel reset
            // the connection, which can destroy the answer before the client reads it (seen
            // with a 2 MiB body). So stop writing, ignore the rest of the input for a moment,
            // then close.
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                channel.close(mode: .output, promise: nil)
                channel.eventLoop.scheduleTask(in: Self.lingerAfterEarlyAnswer) { channel.close(promise: nil) }
            }
        } else {
            _ = machine.responseSent(keepAlive: false)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// First in a connection's pipeline: tells the front handler that bytes arrived before the
/// HTTP decoder has a whole head, so a begun request gets the head deadline rather than the
/// idle timeout.
final class ReadActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let front: HTTPFrontHandler
    private var frontContext: ChannelHandlerContext?

    init(front: HTTPFrontHandler) {
        self.front = front
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if frontContext == nil { frontContext = try? context.pipeline.syncOperations.context(handler: front) }
        if let frontContext { front.bytesArrived(context: frontContext) }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        frontContext = nil
    }
}
