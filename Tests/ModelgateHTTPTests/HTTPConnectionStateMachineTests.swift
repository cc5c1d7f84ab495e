import ModelgateCore
import NIOCore
import NIOHTTP1
import Testing

@testable import ModelgateHTTP

/// The request cycle of one connection without a socket: deadlines, early answers, the shared
/// body budget (CONTRACT §4 "Limits on both fronts").
@Suite struct HTTPConnectionStateMachineTests {
    typealias Machine = HTTPConnectionStateMachine

    static let timeouts: Machine.Timeouts = {
        var limits = FrontLimits()
        limits.headTimeout = .seconds(10)
        limits.idleTimeout = .seconds(60)
        limits.bodyTimeout = .seconds(30)
        return Machine.Timeouts(limits, bodyStall: .seconds(1))
    }()

    static func snapshot(maxBodyBytes: Int = 1000, maxAdminBodyBytes: Int = 500) -> PolicySnapshot {
        var settings = GateSettings(maxBodyBytes: maxBodyBytes)
        settings.limits.maxAdminBodyBytes = maxAdminBodyBytes
        return PolicySnapshot(parts: PolicyParts(settings: settings))
    }

    static func head(_ method: HTTPMethod = .POST, _ uri: String, length: Int? = nil, chunked: Bool = false) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        if let length { headers.add(name: "content-length", value: String(length)) }
        if chunked { headers.add(name: "transfer-encoding", value: "chunked") }
        return HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }

    static func start(_ machine: inout Machine, _ head: HTTPRequestHead, snapshot: PolicySnapshot = snapshot()) -> Machine.Step {
        _ = machine.connectionStarted()
        return machine.headReceived(head, plan: Machine.Plan(head: head, snapshot: snapshot))
    }

    static func bytes(_ count: Int) -> ByteBuffer {
        ByteBuffer(repeating: UInt8(ascii: "x"), count: count)
    }

    static func early(_ step: Machine.Step) -> Machine.EarlyReason? {
        if case .early(_, _, let reason)? = step.answer { return reason }
        return nil
    }

    @Test func aNewConnectionHasTheHeadDeadlineAndIsClosedAtIt() {
        var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        #expect(machine.connectionStarted().deadline == .arm(.seconds(10)))
        // Part of a head, then nothing: closed at the deadline, with no answer.
        _ = machine.bytesArrived()
        let step = machine.deadlinePassed()
        #expect(step.close)
        #expect(step.answer == nil)
    }

    @Test func anIdleKeepAliveConnectionGetsTheIdleTimeoutNotTheHeadDeadline() {
        var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        _ = Self.start(&machine, Self.head(.GET, "/health/liveliness"))
        #expect(machine.endReceived().answer != nil)
        #expect(machine.responseSent(keepAlive: true).deadline == .arm(.seconds(10)))
        // Nothing of a next request at the head deadline: idle, closed 60 s after the response.
        let atHeadDeadline = machine.deadlinePassed()
        #expect(!atHeadDeadline.close)
        #expect(atHeadDeadline.deadline == .arm(.seconds(50)))
        // A request begins while idle: its head gets the head deadline from then.
        #expect(machine.bytesArrived().deadline == .arm(.seconds(10)))
        #expect(machine.deadlinePassed().close)
    }

    @Test func anIdleConnectionIsClosedAtTheIdleTimeout() {
        var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        _ = Self.start(&machine, Self.head(.GET, "/health/liveliness"))
        _ = machine.endReceived()
        _ = machine.responseSent(keepAlive: true)
        _ = machine.deadlinePassed()
        #expect(machine.deadlinePassed().close)
    }

    @Test func aBegunNextRequestMustCompleteItsHeadByTheHeadDeadline() {
        var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        _ = Self.start(&machine, Self.head(.GET, "/health/liveliness"))
        _ = machine.endReceived()
        _ = machine.responseSent(keepAlive: true)
        _ = machine.bytesArrived()
        #expect(machine.deadlinePassed().close)
    }

    @Test(arguments: ["/v1/decision", "/key/generate", "/no/such/route"])
    func aBodyOnAnyRouteHasAnAbsoluteDeadline(uri: String) {
        var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        let step = Self.start(&machine, Self.head(.POST, uri, length: 400))
        #expect(step.deadline == .arm(.seconds(30)))
        var part = Self.bytes(10)
        _ = machine.bodyReceived(&part, allocator: ByteBufferAllocator())
        // However it progresses, the deadline answers it (408 on these routes).
        #expect(Self.early(machine.deadlinePassed()) == .bodyDeadline)
    }

    @Test func aCheckBodyThatProgressesIsStillCutAtTheBodyDeadline() {
        var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        let step = Self.start(&machine, Self.head(.POST, "/check/v1/chat/completions", length: 900))
        #expect(step.stall == .arm(.seconds(1)))
        #expect(step.deadline == .arm(.seconds(30)))
        for _ in 0..<5 {
            var part = Self.bytes(1)
            _ = machine.bodyReceived(&part, allocator: ByteBufferAllocator())
            // Progress re-arms the stall timer ...
            #expect(machine.stallPassed().stall == .arm(.seconds(1)))
        }
        // ... but not the absolute deadline.
        let cut = machine.deadlinePassed()
        #expect(Self.early(cut) == .bodyDeadline)
        if case .early(let plan, _, _)? = cut.answer { #expect(plan.check != nil) }
    }

    @Test func aStalledCheckBodyIsAnsweredAtTheStallTimeout() {
        var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        _ = Self.start(&machine, Self.head(.GET, "/check", length: 33))
        #expect(Self.early(machine.stallPassed()) == .bodyStalled)
    }

    @Test func everyCheckIsAnsweredWithTheSnapshotReadAtItsHead() {
        // The former handler kept the snapshot in an optional and returned without answering
        // when it was missing; a check's plan now always carries it.
        for uri in ["/check", "/check/v1/models"] {
            var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
            let head = Self.head(.GET, uri)
            let snapshot = Self.snapshot()
            _ = machine.connectionStarted()
            _ = machine.headReceived(head, plan: Machine.Plan(head: head, snapshot: snapshot))
            guard case .complete(let plan, _, _)? = machine.endReceived().answer else {
                Issue.record("\(uri): no answer")
                continue
            }
            #expect(plan.check === snapshot)
        }
        #expect(Machine.Plan(head: Self.head(.GET, "/metrics"), snapshot: Self.snapshot()).check == nil)
    }

    @Test func bodyLimitsPerRoute() {
        let snapshot = Self.snapshot(maxBodyBytes: 1000, maxAdminBodyBytes: 500)
        #expect(Machine.Plan(head: Self.head(.POST, "/check"), snapshot: snapshot).bodyLimit == 1000)
        #expect(Machine.Plan(head: Self.head(.POST, "/v1/decision"), snapshot: snapshot).bodyLimit == 2000)
        #expect(Machine.Plan(head: Self.head(.POST, "/key/generate"), snapshot: snapshot).bodyLimit == 500)
        #expect(Machine.Plan(head: Self.head(.GET, "/metrics"), snapshot: snapshot).bodyLimit == 500)

        var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        #expect(Self.early(Self.start(&machine, Self.head(.POST, "/key/generate", length: 501))) == .overLimit)
        var chunked = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        _ = Self.start(&chunked, Self.head(.POST, "/key/generate", chunked: true))
        var part = Self.bytes(501)
        #expect(Self.early(chunked.bodyReceived(&part, allocator: ByteBufferAllocator())) == .overLimit)
    }

    @Test func pastTheSharedBudgetANewBodyIsAnsweredAtOnce() {
        let budget = BodyBudget(limit: 1000)
        var first = Machine(timeouts: Self.timeouts, budget: budget)
        _ = Self.start(&first, Self.head(.POST, "/v1/decision", length: 900))
        var part = Self.bytes(700)
        #expect(first.bodyReceived(&part, allocator: ByteBufferAllocator()).answer == nil)
        #expect(budget.inUse >= 700)

        // Announced more than is left: answered at once, on a check and elsewhere.
        var check = Machine(timeouts: Self.timeouts, budget: budget)
        #expect(Self.early(Self.start(&check, Self.head(.POST, "/check/v1/chat/completions", length: 400))) == .bufferFull)
        var admin = Machine(timeouts: Self.timeouts, budget: budget)
        #expect(Self.early(Self.start(&admin, Self.head(.POST, "/key/generate", length: 400))) == .bufferFull)
        // Chunked: refused when a part no longer fits.
        var chunked = Machine(timeouts: Self.timeouts, budget: budget)
        #expect(Self.start(&chunked, Self.head(.POST, "/key/generate", chunked: true)).answer == nil)
        var big = Self.bytes(400)
        #expect(Self.early(chunked.bodyReceived(&big, allocator: ByteBufferAllocator())) == .bufferFull)

        // The first body gives its bytes back when its connection closes.
        _ = first.connectionClosed()
        #expect(budget.inUse == 0)
        var later = Machine(timeouts: Self.timeouts, budget: budget)
        #expect(Self.start(&later, Self.head(.POST, "/key/generate", length: 400)).answer == nil)
    }

    @Test func aLargeBodyGivesItsBudgetBackAfterTheResponse() {
        let budget = BodyBudget(limit: 1 << 20)
        var machine = Machine(timeouts: Self.timeouts, budget: budget)
        _ = Self.start(&machine, Self.head(.POST, "/v1/decision", length: 100_000), snapshot: Self.snapshot(maxBodyBytes: 1 << 20))
        var part = Self.bytes(100_000)
        _ = machine.bodyReceived(&part, allocator: ByteBufferAllocator())
        guard case .complete(_, _, let body?)? = machine.endReceived().answer else {
            Issue.record("no body")
            return
        }
        #expect(body.readableBytes == 100_000)
        #expect(budget.inUse >= 100_000)
        _ = machine.responseSent(keepAlive: true)
        #expect(budget.inUse == 0)
    }

    @Test func expectContinueIsSentOnlyForABodyThatFollows() {
        var head = Self.head(.POST, "/check/v1/chat/completions", length: 10)
        head.headers.add(name: "expect", value: "100-continue")
        var machine = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        #expect(Self.start(&machine, head).sendContinue)
        var bodiless = Self.head(.GET, "/check/v1/models")
        bodiless.headers.add(name: "expect", value: "100-continue")
        var other = Machine(timeouts: Self.timeouts, budget: BodyBudget(limit: 1 << 20))
        #expect(!Self.start(&other, bodiless).sendContinue)
    }
}
