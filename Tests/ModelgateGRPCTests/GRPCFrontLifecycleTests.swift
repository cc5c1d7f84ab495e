import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import Logging
import ModelgateCore
import ModelgateObservability
import Testing
@testable import ModelgateGRPC

/// Start, port discovery, graceful shutdown and its cut-off, with real sockets.
@Suite struct GRPCFrontLifecycleTests {
    private func makeFront(port: Int = 0, drainTimeout: Duration = .seconds(10)) -> GRPCFront {
        GRPCFront(
            host: "127.0.0.1", port: port, snapshots: SnapshotHolder(Fixtures.snapshot()),
            recorder: DecisionRecorder(logger: Logger(label: "modelgate.grpc.tests")), drainTimeout: drainTimeout)
    }

    private var allowedRequest: Envoy_Service_Auth_V3_CheckRequest {
        EnvoyRequest.make(
            method: "POST", path: "/v1/chat/completions",
            headers: [("authorization", "Bearer \(Fixtures.key)"), ("content-type", "application/json")],
            body: Fixtures.chatBody)
    }

    @Test func cancellingRunStopsGracefullyWithoutError() async throws {
        let front = makeFront()
        let running = Task { try await front.run() }
        let port = try await front.listeningPort()
        #expect(port > 0)
        running.cancel()
        try await running.value
    }

    @Test func shutdownBeforeRunMakesRunReturnAtOnce() async throws {
        let front = makeFront()
        front.triggerGracefulShutdown()
        try await front.run()
        await #expect(throws: GRPCFrontError.self) { try await front.listeningPort() }
    }

    @Test func aFrontRunsOnce() async throws {
        let front = makeFront()
        let running = Task { try await front.run() }
        _ = try await front.listeningPort()
        await #expect(throws: GRPCFrontError.self) { try await front.run() }
        front.triggerGracefulShutdown()
        try await running.value
        await #expect(throws: GRPCFrontError.self) { try await front.listeningPort() }
    }

    @Test func portWaitersLearnOfABindFailure() async throws {
        let first = makeFront()
        let running = Task { try await first.run() }
        let port = try await first.listeningPort()
        let second = makeFront(port: port)
        async let waiting = second.listeningPort()
        await #expect(throws: (any Error).self) { try await second.run() }
        await #expect(throws: (any Error).self) { try await waiting }
        first.triggerGracefulShutdown()
        try await running.value
    }

    @Test func aPortInUseIsAnError() async throws {
        let first = makeFront()
        let running = Task { try await first.run() }
        let port = try await first.listeningPort()
        await #expect(throws: (any Error).self) { try await makeFront(port: port).run() }
        first.triggerGracefulShutdown()
        try await running.value
    }

    @Test func localhostAndBracketedIPv6AreAccepted() {
        #expect(GRPCFront.socketAddress(host: "localhost", port: 9191).ipv4?.host == "127.0.0.1")
        #expect(GRPCFront.socketAddress(host: "[::1]", port: 9191).ipv6?.host == "::1")
        #expect(GRPCFront.socketAddress(host: "::", port: 9191).ipv6?.port == 9191)
        #expect(GRPCFront.socketAddress(host: "0.0.0.0", port: 1).ipv4?.host == "0.0.0.0")
    }

    @Test func requestLimitLeavesRoomForTheConfiguredBody() {
        #expect(GRPCFront.transportConfig(maxBodyBytes: 10 << 20).rpc.maxRequestPayloadSize >= 30 << 20)
        #expect(GRPCFront.transportConfig(maxBodyBytes: 100 << 20).rpc.maxRequestPayloadSize > 300 << 20)
        #expect(GRPCFront.transportConfig(maxBodyBytes: .max).rpc.maxRequestPayloadSize == .max)
        #expect(GRPCFront.transportConfig(maxBodyBytes: 1).connection.keepalive.clientBehavior.allowWithoutCalls)
    }

    /// A check whose request message is still on its way when shutdown begins is answered.
    @Test func inFlightCheckFinishesDuringGracefulShutdown() async throws {
        let front = makeFront()
        let running = Task { try await front.run() }
        let port = try await front.listeningPort()
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let (gate, openGate) = AsyncStream<Void>.makeStream()
        let request = allowedRequest

        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        let response = try await withGRPCClient(transport: transport) { client in
            async let call = slowCheck(client: client, request: request, started: startedContinuation, gate: gate)
            for await _ in started { break }
            try await Task.sleep(for: .milliseconds(100))
            front.triggerGracefulShutdown()
            try await Task.sleep(for: .milliseconds(200))
            openGate.yield()
            return try await call
        }
        #expect(response.isAllow)
        try await running.value
    }

    /// A check that never completes does not hold the shutdown past the drain timeout.
    @Test func drainTimeoutCutsAStuckCheck() async throws {
        let front = makeFront(drainTimeout: .milliseconds(300))
        let running = Task { try await front.run() }
        let port = try await front.listeningPort()
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        // Held until the end: dropping the continuation would finish the stream and open the gate.
        let (gate, gateContinuation) = AsyncStream<Void>.makeStream()
        defer { gateContinuation.finish() }
        let request = allowedRequest

        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        let clock = ContinuousClock()
        let began = clock.now
        try await withGRPCClient(transport: transport) { client in
            async let call = slowCheck(client: client, request: request, started: startedContinuation, gate: gate)
            for await _ in started { break }
            front.triggerGracefulShutdown()
            try await running.value
            await #expect(throws: (any Error).self) { _ = try await call }
        }
        #expect(began.duration(to: clock.now) < .seconds(5))
    }
}

/// Calls Check as a client stream that sends its one message only once `gate` opens, so the
/// RPC is open on the server while its request is still pending.
private func slowCheck(
    client: GRPCClient<HTTP2ClientTransport.Posix>, request: Envoy_Service_Auth_V3_CheckRequest,
    started: AsyncStream<Void>.Continuation, gate: AsyncStream<Void>
) async throws -> Envoy_Service_Auth_V3_CheckResponse {
    let streaming = StreamingClientRequest(of: Envoy_Service_Auth_V3_CheckRequest.self) { writer in
        started.yield()
        for await _ in gate { break }
        try await writer.write(request)
    }
    return try await client.clientStreaming(
        request: streaming,
        descriptor: Envoy_Service_Auth_V3_Authorization.Method.Check.descriptor,
        serializer: ProtobufSerializer<Envoy_Service_Auth_V3_CheckRequest>(),
        deserializer: ProtobufDeserializer<Envoy_Service_Auth_V3_CheckResponse>(),
        options: .defaults
    ) { response in try response.message }
}
