import Foundation
import Logging
import ModelgateCore
import ModelgateObservability
import SwiftProtobuf
import Testing
@testable import ModelgateGRPC

/// CONTRACT §4 "Limits on both fronts" on the gRPC front, over real HTTP/2 connections.
@Suite struct GRPCLimitsTests {
    static let checkPath = "/envoy.service.auth.v3.Authorization/Check"

    static func snapshot(rpcTimeout: Duration = .seconds(30), wildcard: Bool = false, alias: String = "grpc-ci") -> PolicySnapshot {
        var parts = Fixtures.parts()
        parts.settings.limits.grpcRPCTimeout = rpcTimeout
        if wildcard {
            parts.deployments.append(Deployment(
                groupName: "openai/*", provider: .openai, modelID: "*", litellmModel: "openai/*", apiKey: Secret("sk-upstream")))
        }
        parts.keys = [VirtualKey(hash: KeyHash(hashing: Fixtures.key), alias: alias, userID: "u-grpc")]
        return PolicySnapshot(parts: parts)
    }

    static func startFront(_ snapshot: PolicySnapshot) async throws -> (GRPCFront, Task<Void, any Error>, Int) {
        let front = GRPCFront(
            host: "127.0.0.1", port: 0, snapshots: SnapshotHolder(snapshot),
            recorder: DecisionRecorder(logger: Logger(label: "modelgate.grpc.tests")))
        let running = Task { try await front.run() }
        return (front, running, try await front.listeningPort())
    }

    static func request(body: String = Fixtures.chatBody, path: String = "/v1/chat/completions") throws -> [UInt8] {
        try EnvoyRequest.make(
            method: "POST", path: path,
            headers: [("authorization", "Bearer \(Fixtures.key)"), ("content-type", "application/json")],
            body: body).serializedBytes()
    }

    /// Issue 18.1: 101 concurrent streams lost the whole connection (GOAWAY PROTOCOL_ERROR).
    @Test func threeHundredConcurrentChecksOnOneConnectionAreAllAnswered() async throws {
        let (front, running, port) = try await Self.startFront(Self.snapshot())
        let raw = try RawHTTP2Client(port: port)
        defer { raw.shutdown() }
        // The server's SETTINGS advertise the stream limit; it applies once we acknowledged them.
        #expect(await raw.waitFor { _ in raw.serverSettings != nil })
        let advertised = try #require(raw.serverSettings?[0x3], "no SETTINGS_MAX_CONCURRENT_STREAMS advertised")
        #expect(advertised >= 1024)
        try await Task.sleep(for: .milliseconds(100))

        // All 300 open at once: each request sent but not ended, so every handler waits.
        let message = try Self.request()
        let streams = (0..<300).map { UInt32(1 + 2 * $0) }
        for stream in streams { raw.startGRPCRequest(stream: stream, path: Self.checkPath, message: message) }
        try await Task.sleep(for: .milliseconds(200))
        for stream in streams { raw.endStream(stream) }

        let answered = await raw.waitFor(timeout: .seconds(20)) { frames in
            Set(frames.filter { $0.type == RawHTTP2Client.Frame.headers && $0.endStream }.map(\.stream)).count == streams.count
        }
        let frames = raw.frames
        #expect(answered, "answered \(Set(frames.filter { $0.type == RawHTTP2Client.Frame.headers && $0.endStream }.map(\.stream)).count) of 300")
        #expect(!frames.contains { $0.type == RawHTTP2Client.Frame.goAway })
        #expect(!frames.contains { $0.type == RawHTTP2Client.Frame.rstStream })
        var allowed = 0
        for stream in streams {
            if let bytes = raw.grpcMessage(stream: stream), (try? Envoy_Service_Auth_V3_CheckResponse(serializedBytes: bytes))?.isAllow == true {
                allowed += 1
            }
        }
        #expect(allowed == 300)
        front.triggerGracefulShutdown()
        try await running.value
    }

    /// Issue 18.3: a stream held open was kept (with what it buffered) for ever.
    @Test func anRPCNotCompleteWithinTheDeadlineIsCancelled() async throws {
        let (front, running, port) = try await Self.startFront(Self.snapshot(rpcTimeout: .milliseconds(400)))
        let raw = try RawHTTP2Client(port: port)
        defer { raw.shutdown() }
        #expect(await raw.waitFor { _ in raw.serverSettings != nil })
        let started = ContinuousClock.now
        raw.startGRPCRequest(stream: 1, path: Self.checkPath, message: try Self.request())
        let reset = await raw.waitFor(timeout: .seconds(10)) { frames in frames.contains { $0.stream == 1 && $0.type == RawHTTP2Client.Frame.rstStream } }
        let took = ContinuousClock.now - started
        #expect(reset)
        #expect(took >= .milliseconds(300) && took < .seconds(5), "reset after \(took)")
        // The connection itself serves on: a complete check on a new stream is answered.
        raw.startGRPCRequest(stream: 3, path: Self.checkPath, message: try Self.request())
        raw.endStream(3)
        #expect(await raw.waitFor { frames in frames.contains { $0.stream == 3 && $0.type == RawHTTP2Client.Frame.headers && $0.endStream } })
        front.triggerGracefulShutdown()
        try await running.value
    }

    /// Issue 18.4: a wildcard deployment made a model name with CR/LF into a header value.
    @Test(arguments: [
        ("/v1/chat/completions", #"{"model":"openai/gpt-4o\r\nx-injected: 1"}"#),
        ("/v1/chat/completions", #"{"model":"openai/gpt\u0085x"}"#),
    ])
    func aModelNameWithAControlCharacterIsDenied(path: String, body: String) async throws {
        let response = try await withRunningFront(snapshot: Self.snapshot(wildcard: true)) { client in
            try await client.check(EnvoyRequest.make(
                method: "POST", path: path,
                headers: [("authorization", "Bearer \(Fixtures.key)"), ("content-type", "application/json")], body: body))
        }
        let denied = try #require(response.deniedResponseIfPresent, "expected a denial, got \(response)")
        #expect(denied.status.code == .forbidden)
        #expect(response.header("x-modelgate-reason") == "malformed_body")
        for header in denied.headers { #expect(!ControlCharacters.contains(header.header.value), "\(header.header.key)") }
    }

    /// A string that slipped past every entry check (here a key alias put straight into the
    /// policy) never reaches Envoy as a header value: the allow becomes a denial.
    @Test func aHeaderValueWithAControlCharacterIsNeverEmitted() async throws {
        let response = try await withRunningFront(snapshot: Self.snapshot(alias: "ci\r\nx-injected: 1")) { client in
            try await client.check(EnvoyRequest.make(
                method: "POST", path: "/v1/chat/completions",
                headers: [("authorization", "Bearer \(Fixtures.key)"), ("content-type", "application/json")], body: Fixtures.chatBody))
        }
        #expect(response.okResponseIfPresent == nil)
        #expect(response.header("x-modelgate-reason") == "malformed_body")
        for header in response.deniedResponseIfPresent?.headers ?? [] { #expect(!ControlCharacters.contains(header.header.value)) }
    }
}
