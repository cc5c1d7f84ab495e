import Foundation
@testable import ModelgateCore
import ModelgateConfig
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

    /// An allow's message is written when read (`DecisionText.allowed`); it must come out
    /// redacted and cut like a denial's. A provider wildcard lets a client-chosen model name,
    /// holding its own key and megabytes long, reach an allow.
    @Test func anAllowsMessageIsRedactedAndCutWhenRead() throws {
        let yaml = """
            model_list:
              - model_name: openai/*
                litellm_params: { model: openai/*, api_key: upstream-secret }
            keys:
              - { key: sk-wildcard-caller, key_alias: wildcard }
            """
        let snapshot = PolicySnapshot(parts: try GatewayConfig.parse(yaml: yaml, environment: [:]).parts)
        func allow(model: String) -> Decision {
            let body = Array(#"{"model": "\#(model)"}"#.utf8)
            let request = CheckRequest(
                method: "POST", rawTarget: "/v1/chat/completions",
                headers: HeaderFields([("authorization", "Bearer sk-wildcard-caller")]), body: .complete(body))
            return DecisionEngine.decide(request, in: snapshot, now: Date())
        }
        let quoting = allow(model: "openai/sk-wildcard-caller")
        #expect(quoting.allow)
        #expect(quoting.message == "allowed: 'openai/***' → model group 'openai/*' via openai")

        let long = allow(model: "openai/" + String(repeating: "m", count: 5_000))
        #expect(long.allow)
        #expect(long.message.utf8.count <= DecisionEngine.maximumMessageBytes)
        #expect(long.message.hasPrefix("allowed: 'openai/mmm"))
        #expect(long.message.hasSuffix("bytes)"))
        // Set by hand, a message is kept as given.
        var edited = long
        edited.message = "as given"
        #expect(edited.message == "as given")
    }
}
