import struct Foundation.Date
import Logging
import ModelgateCore
import ModelgateStore
import NIOCore
import NIOHTTP1

/// One connection's request handler, behind NIO's HTTP/1.1 server pipeline (which holds back
/// pipelined requests until the current response has ended, so there is one request at a time).
///
/// The request's state lives in stored properties rather than a per-request object: a check
/// allocates only what the decision itself needs.
final class HTTPFrontHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        case idle
        case reading
        /// Waiting for an asynchronous answer (admin API).
        case answering
        /// Answered before the request ended (body too large or stalled): the rest of the
        /// connection's input is ignored and the connection closes after the response.
        case closing
    }

    private let shared: FrontShared
    private var phase = Phase.idle
    private var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
    private var route = FrontRoute.liveliness
    /// Read once per check, at its head: the whole check is decided against it.
    private var snapshot: PolicySnapshot?
    private var body: ByteBuffer?
    private var bodyLimit = 0
    private var bodyTimer: Scheduled<Void>?
    private var bodyProgressed = false
    /// Tells a stale body timer from the current request's.
    private var requestNumber: UInt64 = 0

    private static let retainedBodyCapacity = 64 * 1024
    /// How long a connection answered before its request ended keeps draining input.
    private static let lingerAfterEarlyAnswer = TimeAmount.seconds(2)

    init(shared: FrontShared) {
        self.shared = shared
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard phase != .closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            startRequest(context: context, head: head)
        case .body(var part):
            receiveBody(context: context, part: &part)
        case .end:
            finishRequest(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelBodyTimer()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Parse errors were answered (400) by NIO's error handler before us; anything else
        // leaves the connection in an unknown state.
        cancelBodyTimer()
        context.close(promise: nil)
    }

    // MARK: - Reading

    private func startRequest(context: ChannelHandlerContext, head: HTTPRequestHead) {
        requestNumber &+= 1
        phase = .reading
        self.head = head
        route = FrontRoute.classify(method: head.method, uri: head.uri)
        // Reuse the body buffer across a keep-alive connection, but do not let one large body
        // pin its memory for the connection's lifetime.
        if let capacity = body?.capacity, capacity > Self.retainedBodyCapacity {
            body = nil
        } else {
            body?.clear()
        }
        bodyProgressed = false
        switch route {
        case .checkNginx, .checkEnvoy:
            let snapshot = shared.holder.snapshot
            self.snapshot = snapshot
            bodyLimit = snapshot.settings.maxBodyBytes
        case .decision:
            snapshot = nil
            // The described body travels JSON-escaped inside this one.
            bodyLimit = max(shared.configuration.maxAdminBodyBytes, shared.holder.snapshot.settings.maxBodyBytes &* 2)
        default:
            snapshot = nil
            bodyLimit = shared.configuration.maxAdminBodyBytes
        }

        let announced = head.headers.first(name: "content-length").flatMap { Int($0) }
        if let announced, announced > bodyLimit {
            answerOverLimit(context: context)
            return
        }
        let bodyFollows = (announced ?? 0) > 0 || head.headers.contains(name: "transfer-encoding")
        if bodyFollows && Self.expectsContinue(head) {
            // curl sends `Expect: 100-continue` for bodies over 1 KiB and then waits a second
            // before sending anyway; without this the body timeout would race that wait.
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        if bodyFollows && route.isCheck { armBodyTimer(context: context) }
    }

    private static func expectsContinue(_ head: HTTPRequestHead) -> Bool {
        head.version.major == 1 && head.version.minor >= 1
            && head.headers["expect"].contains { $0.lowercased() == "100-continue" }
    }

    private func receiveBody(context: ChannelHandlerContext, part: inout ByteBuffer) {
        guard phase == .reading else { return }
        bodyProgressed = true
        let received = body?.readableBytes ?? 0
        guard part.readableBytes <= bodyLimit - received else {
            // Stop buffering: the answer no longer depends on the rest.
            answerOverLimit(context: context)
            return
        }
        if body == nil {
            body = context.channel.allocator.buffer(capacity: part.readableBytes)
        }
        body!.writeBuffer(&part)
    }

    private func finishRequest(context: ChannelHandlerContext) {
        guard phase == .reading else { return }
        cancelBodyTimer()
        phase = .idle
        switch route {
        case .checkNginx, .checkEnvoy:
            answerCheck(context: context, body: .complete(receivedBytes()))
        case .decision:
            answerDecisionQuery(context: context)
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
            answerAdmin(context: context, path: path, query: query)
        }
    }

    private func receivedBytes() -> [UInt8] {
        guard let body, body.readableBytes > 0 else { return [] }
        return Array(body.readableBytesView)
    }

    // MARK: - Body timeout

    /// An announced body that stops arriving is given up on after `bodyReadTimeout` without
    /// progress: plain nginx `auth_request` announces `Content-Length` and never sends a byte.
    private func armBodyTimer(context: ChannelHandlerContext) {
        let number = requestNumber
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        bodyTimer = context.eventLoop.scheduleTask(in: shared.bodyReadTimeout) {
            bound.value.handler.bodyTimerFired(context: bound.value.context, requestNumber: number)
        }
    }

    private func bodyTimerFired(context: ChannelHandlerContext, requestNumber number: UInt64) {
        bodyTimer = nil
        guard phase == .reading, number == requestNumber else { return }
        if bodyProgressed {
            bodyProgressed = false
            armBodyTimer(context: context)
            return
        }
        shared.logger.warning(
            "announced request body did not arrive; denying with body_incomplete",
            metadata: [
                "received_bytes": .stringConvertible(body?.readableBytes ?? 0),
                "announced": .string(head.headers.first(name: "content-length") ?? "chunked"),
                "hint": "nginx auth_request never forwards the body: set `proxy_pass_request_body off; proxy_set_header Content-Length \"\";` or forward the body through njs (see the README)",
            ])
        phase = .closing
        answerCheck(context: context, body: .timedOut, close: true)
    }

    private func cancelBodyTimer() {
        bodyTimer?.cancel()
        bodyTimer = nil
    }

    // MARK: - Answers

    private func answerOverLimit(context: ChannelHandlerContext) {
        cancelBodyTimer()
        phase = .closing
        if route.isCheck {
            answerCheck(context: context, body: .overLimit, close: true)
        } else {
            respond(context: context, status: .payloadTooLarge,
                    json: ErrorDocument.make(message: "request body larger than \(bodyLimit) bytes", type: "body_too_large", code: 413),
                    close: true)
        }
    }

    private func answerCheck(context: ChannelHandlerContext, body: ReceivedBody, close: Bool = false) {
        let started = NIODeadline.now()
        guard let snapshot else { return }
        let outcome: CheckRequestBuilder.Outcome
        switch route {
        case .checkEnvoy(let rawTarget):
            outcome = CheckRequestBuilder.envoy(head: head, rawTarget: rawTarget, body: body)
        default:
            outcome = CheckRequestBuilder.nginx(head: head, body: body, maxBodyBytes: snapshot.settings.maxBodyBytes)
        }
        let decision: Decision
        switch outcome {
        case .request(let request):
            decision = DecisionEngine.decide(request, in: snapshot, now: Date())
        case .misconfigured(let problem):
            shared.logger.warning("cannot tell the original request from a /check request", metadata: ["problem": .string(problem)])
            decision = .deny(.ambiguousPath, problem)
        }
        let elapsed = NIODeadline.now().uptimeNanoseconds &- started.uptimeNanoseconds
        shared.recorder.record(decision, front: "http", elapsedNanoseconds: elapsed)
        self.snapshot = nil

        if decision.allow {
            var headers = HTTPHeaders()
            for header in decision.upstreamHeaders(revealingSecrets: true) {
                headers.add(name: header.name, value: header.value)
            }
            if !decision.removeHeaders.isEmpty {
                headers.add(name: "x-envoy-auth-headers-to-remove", value: decision.removeHeaders.joined(separator: ", "))
            }
            respond(context: context, status: .ok, headers: headers, body: nil, close: close)
        } else {
            var headers = HTTPHeaders()
            for header in decision.denyHeaders { headers.add(name: header.name, value: header.value) }
            respond(context: context, status: HTTPResponseStatus(statusCode: decision.status), headers: headers,
                    body: context.channel.allocator.buffer(string: decision.errorBody), close: close)
        }
    }

    private func answerDecisionQuery(context: ChannelHandlerContext) {
        let snapshot = shared.holder.snapshot
        do {
            let request = try DecisionQuery.parse(receivedBytes(), maxBodyBytes: snapshot.settings.maxBodyBytes)
            // A what-if query, not a check a proxy acted on: not recorded in the audit trail.
            let decision = DecisionEngine.decide(request, in: snapshot, now: Date())
            respond(context: context, status: .ok, json: decision.document)
        } catch {
            respond(context: context, status: .badRequest,
                    json: ErrorDocument.make(message: error.message, type: "bad_request", code: 400))
        }
    }

    private func answerReadiness(context: ChannelHandlerContext) {
        if shared.policy.isReady {
            // Checks are answered from the snapshot whatever the database does, so the service
            // stays ready; a database fault (admin writes failing) is reported, not hidden.
            let database = shared.policy.operations.databaseHealth.fault.map {
                #""database":"unavailable","database_error":\#(ErrorDocument.quoted($0.message)),"database_unavailable_since":\#(Int($0.since.timeIntervalSince1970))"#
            } ?? #""database":"ok""#
            respond(context: context, status: .ok,
                    json: #"{"status":"ready","generation":\#(shared.holder.snapshot.generation),\#(database)}"#)
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
    private func answerAdmin(context: ChannelHandlerContext, path: Substring, query: Substring?) {
        phase = .answering
        let head = self.head
        let admin = shared.policy.admin
        let decodedPath = AdminTarget.decodePath(path)
        let pairs = AdminTarget.decodeQuery(query)
        let headers = CheckRequestBuilder.headerFields(head.headers)
        let bytes = receivedBytes()
        let promise = context.eventLoop.makePromise(of: AdminResponse?.self)
        promise.completeWithTask {
            await admin.handle(method: head.method.rawValue, path: decodedPath, query: pairs, headers: headers, body: bytes)
        }
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        promise.futureResult.whenComplete { result in
            let (handler, context) = bound.value
            guard handler.phase == .answering else { return }
            handler.phase = .idle
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

    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), json: String, close: Bool = false) {
        var headers = headers
        headers.add(name: "content-type", value: "application/json")
        respond(context: context, status: status, headers: headers, body: context.channel.allocator.buffer(string: json), close: close)
    }

    /// Writes one whole response in the request's HTTP version, keeping the connection open
    /// when the request allows it and `close` is false.
    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer?, close: Bool = false) {
        var headers = headers
        let keepAlive = head.isKeepAlive && !close
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
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else if phase == .closing {
            // Answered before the request ended (body over the limit, or stalled): the client
            // may still be sending. Closing with its bytes unread makes the kernel reset the
            // connection, which can destroy the answer before the client reads it (seen with a
            // 2 MiB body). So stop writing, ignore the rest of the input for a moment, then close.
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                channel.close(mode: .output, promise: nil)
                channel.eventLoop.scheduleTask(in: Self.lingerAfterEarlyAnswer) { channel.close(promise: nil) }
            }
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
