@testable import ModelgateCore
import Testing

/// The decision type: deny reasons with their wire codes and statuses (CONTRACT §4), denials,
/// and an allow's message written only when read.
@Suite("Decisions")
struct DecisionTests {
    /// CONTRACT §4: 401 for the caller's own key, 503 for a stale policy, 403 otherwise.
    static let contract: [String: Int] = [
        "missing_key": 401, "invalid_key": 401, "key_expired": 401, "key_blocked": 401, "ambiguous_credentials": 401,
        "model_not_found": 403, "key_model_access_denied": 403, "team_model_access_denied": 403,
        "user_model_access_denied": 403, "malformed_body": 403, "body_too_large": 403, "body_incomplete": 403,
        "ambiguous_path": 403, "credential_unavailable": 403, "tag_access_denied": 403, "forbidden_parameter": 403,
        "policy_stale": 503,
    ]

    @Test func everyReasonHasTheContractsCodeAndStatus() {
        #expect(Set(DenyReason.allCases.map(\.rawValue)) == Set(Self.contract.keys))
        for reason in DenyReason.allCases {
            #expect(reason.httpStatus == Self.contract[reason.rawValue], "\(reason.rawValue)")
        }
    }

    @Test func aDenialCarriesItsReasonsStatus() {
        let denial = Decision.deny(.keyModelAccessDenied, "key may not call 'x'", param: "model")
        #expect(!denial.allow)
        #expect(denial.status == 403)
        #expect(denial.reason == .keyModelAccessDenied)
        #expect(denial.message == "key may not call 'x'")
        #expect(denial.param == "model")
        #expect(Decision.deny(.keyExpired, "expired").status == 401)
        #expect(Decision.deny(.policyStale, "stale").status == 503)
    }

    @Test func anAllowsMessageIsRenderedWhenReadRedactedAndBounded() {
        let presented = PresentedCredentials(CheckRequest(
            method: "POST", rawTarget: "/v1/chat/completions",
            headers: HeaderFields([("authorization", "Bearer sk-presented-1234")]), body: .empty))
        var decision = Decision(
            allow: true, status: 200, reason: nil,
            text: .allowed(model: "gpt sk-presented-1234", group: "g", provider: "openai", presented: presented),
            param: nil, models: [], modelGroup: "g", modelID: nil, provider: "openai", keyAlias: nil, teamID: nil,
            userID: nil, routeShape: nil, credential: nil, removeHeaders: [], removeQueryParameters: [])
        #expect(decision.message == "allowed: 'gpt ***' → model group 'g' via openai")

        let long = String(repeating: "m", count: 5000)
        decision.text = .allowed(model: long, group: "g", provider: "openai", presented: presented)
        #expect(decision.message.utf8.count <= DecisionEngine.maximumMessageBytes)
        #expect(decision.message.hasPrefix("allowed: 'mmm"))

        decision.message = "set by hand"
        #expect(decision.message == "set by hand")
    }
}
