import struct Foundation.Date
import GRPCCore
import ModelgateCore
import ModelgateObservability

/// `envoy.service.auth.v3.Authorization/Check`: map the request, decide against the current
/// snapshot, render the answer, record it.
///
/// The handler never throws: whatever Envoy sends becomes a decision (missing fields are empty
/// and denied by the engine), so Envoy always gets a `CheckResponse` with a proper HTTP status
/// and body instead of an RPC error it would turn into an empty 403.
struct AuthorizationService: Envoy_Service_Auth_V3_Authorization.SimpleServiceProtocol {
    let snapshots: SnapshotHolder
    let recorder: DecisionRecorder

    func check(
        request: Envoy_Service_Auth_V3_CheckRequest, context: ServerContext
    ) async throws -> Envoy_Service_Auth_V3_CheckResponse {
        let started = ContinuousClock.now
        // One snapshot for the whole check, so a concurrent reload cannot mix two policies.
        let snapshot = snapshots.snapshot
        let checkRequest = CheckRequestMapping.checkRequest(from: request, maxBodyBytes: snapshot.settings.maxBodyBytes)
        // Checked like the HTTP front's: no header value with a control character reaches Envoy.
        let decision = DecisionEngine.decide(checkRequest, in: snapshot, now: Date()).checkedForEmission
        let response = CheckResponseRendering.checkResponse(for: decision)
        recorder.record(decision, front: "grpc", elapsedNanoseconds: Self.nanoseconds(since: started))
        return response
    }

    private static func nanoseconds(since start: ContinuousClock.Instant) -> UInt64 {
        let elapsed = start.duration(to: .now).components
        let nanos = elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
        return UInt64(clamping: nanos)
    }
}
