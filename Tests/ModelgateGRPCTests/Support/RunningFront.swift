import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ModelgateCore
import ModelgateObservability
@testable import ModelgateGRPC

typealias AuthorizationClient = Envoy_Service_Auth_V3_Authorization.Client<HTTP2ClientTransport.Posix>

/// Runs a real `GRPCFront` on 127.0.0.1 with an ephemeral port and hands `body` a client made
/// from the generated stubs over a real HTTP/2 connection; shuts both down afterwards.
func withRunningFront<Result: Sendable>(
    snapshots: SnapshotHolder,
    _ body: (AuthorizationClient, GRPCFront) async throws -> Result
) async throws -> Result {
    let front = GRPCFront(
        host: "127.0.0.1", port: 0, snapshots: snapshots,
        recorder: DecisionRecorder(logger: Logger(label: "modelgate.grpc.tests")))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await front.run() }
        do {
            let port = try await front.listeningPort()
            let transport = try HTTP2ClientTransport.Posix(
                target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            let result = try await withGRPCClient(transport: transport) { client in
                try await body(AuthorizationClient(wrapping: client), front)
            }
            front.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            front.triggerGracefulShutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}

func withRunningFront<Result: Sendable>(
    snapshot: PolicySnapshot,
    _ body: (AuthorizationClient) async throws -> Result
) async throws -> Result {
    try await withRunningFront(snapshots: SnapshotHolder(snapshot)) { client, _ in try await body(client) }
}
