import Foundation
import ModelgateCore
import Testing

/// Decision messages quote paths and model names, and go to logs: a key a client put there by
/// mistake must not follow.
@Suite struct MessageRedactionTests {
    @Test func aKeyInThePathOrTheModelIsNotQuoted() throws {
        let snapshot = try AttackPolicy.snapshot()
        let key = AttackPolicy.allKey
        let cases: [(String, [UInt8])] = [
            ("/nowhere/\(key)", AttackPolicy.chatMini),
            ("/v1/chat/completions", Array(#"{"model": "\#(key)"}"#.utf8)),
            ("/v1/chat/completions?model=\(key)", AttackPolicy.chatMini),
            ("/model/\(key)/invoke", AttackPolicy.converse),
        ]
        for (target, body) in cases {
            let decision = AttackPolicy.decide("POST", target, headers: AttackPolicy.bearer(key), body: .complete(body), in: snapshot)
            #expect(!decision.allow)
            #expect(!decision.message.contains(key), "\(target): \(decision.message)")
            #expect(!decision.errorBody.contains(key))
        }
    }

    @Test func anUnknownKeyInTheQueryIsNotQuotedEither() throws {
        let wrong = "sk-not-a-key-at-all-42"
        let decision = AttackPolicy.decide(
            "POST", "/nowhere/\(wrong)?key=\(wrong)", headers: [("content-type", "application/json")],
            body: .complete(AttackPolicy.chatMini), in: try AttackPolicy.snapshot())
        #expect(decision.reason == .invalidKey)
        #expect(!decision.message.contains(wrong))
    }
}
