import Foundation
import ModelgateCore
import ModelgateTestSupport
import Testing

/// Every vector decided once more, tallied the way scripts/hostile reports it: a wrong allow (a
/// denial expected, an allow decided) is the failure that matters most, so it is counted apart.
@Suite struct VectorTallyTests {
    @Test func noVectorIsAllowedByAccident() throws {
        var tried = 0, wrongAllows = 0, wrongDenials = 0, wrongReasons = 0
        for suite in try TestVectors.all() {
            let snapshot = try suite.snapshot()
            for vector in suite.cases {
                tried += 1
                let decision = DecisionEngine.decide(vector.checkRequest, in: snapshot, now: AttackPolicy.now)
                if decision.allow && !vector.expect.allow {
                    wrongAllows += 1
                    Issue.record("WRONG ALLOW \(suite.file): \(vector.name): \(decision.message)")
                } else if !decision.allow && vector.expect.allow {
                    wrongDenials += 1
                    Issue.record("wrong denial \(suite.file): \(vector.name): \(decision.message)")
                } else if let reason = vector.expect.reason, decision.reason?.rawValue != reason {
                    wrongReasons += 1
                    Issue.record("wrong reason \(suite.file): \(vector.name): \(decision.reason?.rawValue ?? "allow") instead of \(reason)")
                }
            }
        }
        print("VECTORS tried=\(tried) wrong_allows=\(wrongAllows) wrong_denials=\(wrongDenials) wrong_reasons=\(wrongReasons)")
        #expect(tried > 300)
        #expect(wrongAllows == 0)
        #expect(wrongDenials == 0 && wrongReasons == 0)
    }
}
