@testable import ModelgateCore
import Testing

/// Decision messages quote client input; they are cut to a size a header and a log line can carry.
@Suite("Decision message bound")
struct MessageBoundTests {
    @Test func shortMessagesAreKept() {
        let message = String(repeating: "a", count: DecisionEngine.maximumMessageBytes)
        #expect(DecisionEngine.bounded(message) == message)
    }

    @Test func longMessagesAreCutAndSaySo() {
        let message = "model '" + String(repeating: "x", count: 5_000) + "' is not in the catalog"
        let bounded = DecisionEngine.bounded(message)
        #expect(bounded.utf8.count <= DecisionEngine.maximumMessageBytes)
        #expect(bounded.hasPrefix("model 'xxx"))
        #expect(bounded.hasSuffix("… (message cut: \(message.utf8.count) bytes)"))
    }

    /// The cut never splits a multi-byte character, whatever its alignment with the limit.
    @Test(arguments: 0..<4)
    func cutKeepsCharactersWhole(offset: Int) {
        let message = String(repeating: "a", count: offset) + String(repeating: "日本🙂", count: 400)
        let bounded = DecisionEngine.bounded(message)
        #expect(bounded.utf8.count <= DecisionEngine.maximumMessageBytes)
        let kept = bounded.prefix { $0 != "…" }
        #expect(message.hasPrefix(kept))
        #expect(kept.utf8.count > DecisionEngine.maximumMessageBytes - 64 - 4)
    }
}
