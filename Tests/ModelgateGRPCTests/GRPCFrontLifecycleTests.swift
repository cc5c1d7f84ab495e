import Foundation
import SwiftProtobuf
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
        await #expect(throws: FrontLifecycleError.self) { try await front.listeningPort() }
    }

    @Test func aFrontRunsOnce() async throws {
        let front = makeFront()
        let running = Task { try await front.run() }
        _ = try await front.listeningPort()
        await #expect(throws: FrontLifecycleError.self) { try await front.run() }
        front.triggerGracefulShutdown()
        try await running.value
        await #expect(throws: FrontLifecycleError.self) { try await front.listeningPort() }
    }

    @Test func portWaitersLearnOfABindFailure() async throws {
        let first = makeFront()
        let running = Task { try await first.run() }
        let port = try await first.listeningPort()
        let second = makeFront(port: port)
        let waiting = Task { try await second.listeningPort() }
        await #expect(throws: (any Error).self) { try await second.run() }
        await #expect(throws: (any Error).self) { try await waiting.value }
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

    @Test func transportAdvertisesItsLimits() {
        let config = GRPCFront.transportConfig(maxBodyBytes: 10 << 20, limits: FrontLimits())
        // CONTRACT §4: at least 1024 streams advertised; a message about max_body_bytes plus headroom.
        #expect(config.http2.maxConcurrentStreams == 1024)
        #expect(config.rpc.maxRequestPayloadSize == (10 << 20) + FrontLimits.grpcMessageHeadroom)
        #expect(config.channelDebuggingCallbacks.onAcceptHTTP2Stream != nil)
        var limits = FrontLimits()
        limits.grpcMaxMessageBytes = 12345
        limits.grpcMaxConcurrentStreams = 4096
        let tuned = GRPCFront.transportConfig(maxBodyBytes: 10 << 20, limits: limits)
        #expect(tuned.rpc.maxRequestPayloadSize == 12345)
        #expect(tuned.http2.maxConcurrentStreams == 4096)
        #expect(GRPCFront.transportConfig(maxBodyBytes: .max, limits: FrontLimits()).rpc.maxRequestPayloadSize == .max)
        #expect(GRPCFront.transportConfig(maxBodyBytes: 1, limits: FrontLimits()).connection.keepalive.clientBehavior.allowWithoutCalls)
    }

    /// A check that is open on the server when shutdown begins is still answered: the request's
    /// HEADERS and message are on the wire, its END_STREAM comes only after the GOAWAY.
    @Test func inFlightCheckFinishesDuringGracefulShutdown() async throws {
        let front = makeFront()
        let running = Task { try await front.run() }
        let raw = try RawHTTP2Client(port: try await front.listeningPort())
        defer { raw.shutdown() }
        raw.startGRPCRequest(
            stream: 1, path: "/envoy.service.auth.v3.Authorization/Check", message: try allowedRequest.serializedBytes())
        // The server has the stream once it answered our SETTINGS; a unary handler then waits
        // for the end of the request, so nothing comes back on stream 1 yet.
        #expect(await raw.waitFor { frames in frames.contains { $0.type == RawHTTP2Client.Frame.settings && $0.flags == 1 } })
        try await Task.sleep(for: .milliseconds(100))
        #expect(!raw.frames.contains { $0.stream == 1 })

        front.triggerGracefulShutdown()
        #expect(await raw.waitFor { frames in frames.contains { $0.type == RawHTTP2Client.Frame.goAway } })
        try await Task.sleep(for: .milliseconds(100))
        #expect(!raw.frames.contains { $0.type == RawHTTP2Client.Frame.rstStream })

        raw.endStream(1)
        #expect(await raw.waitFor { frames in frames.contains { $0.stream == 1 && $0.type == RawHTTP2Client.Frame.headers && $0.endStream } })
        let message = try #require(raw.grpcMessage(stream: 1))
        let response = try Envoy_Service_Auth_V3_CheckResponse(serializedBytes: message)
        #expect(response.isAllow)
        try await running.value
    }

    /// A check that never completes does not hold the shutdown past the drain timeout.
    @Test func drainTimeoutCutsAStuckCheck() async throws {
        let front = makeFront(drainTimeout: .milliseconds(300))
        let running = Task { try await front.run() }
        let raw = try RawHTTP2Client(port: try await front.listeningPort())
        defer { raw.shutdown() }
        raw.startGRPCRequest(
            stream: 1, path: "/envoy.service.auth.v3.Authorization/Check", message: try allowedRequest.serializedBytes())
        #expect(await raw.waitFor { frames in frames.contains { $0.type == RawHTTP2Client.Frame.settings && $0.flags == 1 } })
        try await Task.sleep(for: .milliseconds(100))

        let clock = ContinuousClock()
        let began = clock.now
        front.triggerGracefulShutdown()
        try await running.value
        let took = began.duration(to: clock.now)
        // Not before the drain timeout (the check was still open), not much after it.
        #expect(took >= .milliseconds(300))
        #expect(took < .seconds(5))
        #expect(raw.grpcMessage(stream: 1) == nil)
    }
}
