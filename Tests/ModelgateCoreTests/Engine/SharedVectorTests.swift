import Foundation
import ModelgateCore
import ModelgateTestSupport
import Testing

/// Every public vector (shared/vectors, copied into the test bundle) decided in-process.
@Suite("Shared decision vectors")
struct SharedVectorTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15

    static var cases: [(suite: VectorSuite, testCase: VectorCase)] {
        let suites = (try? TestVectors.all()) ?? []
        return suites.flatMap { suite in suite.cases.map { (suite, $0) } }
    }

    /// Guards the parameterised test below: its argument list swallows a load error (`try?`),
    /// so without this a broken vector folder would run zero cases and pass.
    @Test("the vector files load and hold cases")
    func vectorsLoad() throws {
        let suites = try TestVectors.all()
        #expect(suites.count >= 2)
        #expect(Self.cases.count == suites.reduce(0) { $0 + $1.cases.count })
        #expect(Self.cases.count >= 300)
    }

    @Test("vector", arguments: cases.map { "\($0.suite.file): \($0.testCase.name)" })
    func vector(_ label: String) throws {
        let (suite, testCase) = try #require(Self.cases.first { "\($0.suite.file): \($0.testCase.name)" == label })
        let snapshot = try suite.snapshot()
        let decision = DecisionEngine.decide(testCase.checkRequest, in: snapshot, now: Self.now)
        VectorAssertions.check(decision, against: testCase.expect, label: label)
    }
}

/// The comparison every front's vector tests share.
enum VectorAssertions {
    static func check(_ decision: Decision, against expect: VectorExpectation, label: String) {
        #expect(decision.allow == expect.allow, "\(label): \(decision.message)")
        #expect(decision.status == expect.status, "\(label): \(decision.message)")
        if let reason = expect.reason { #expect(decision.reason?.rawValue == reason, "\(label): \(decision.message)") }
        if let group = expect.modelGroup { #expect(decision.modelGroup == group, "\(label)") }
        if let provider = expect.provider { #expect(decision.provider == provider, "\(label)") }
        let upstream = Dictionary(decision.upstreamHeaders(revealingSecrets: true).map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in expect.upstreamHeaders {
            #expect(upstream[name] == value, "\(label): header \(name)")
        }
    }
}
