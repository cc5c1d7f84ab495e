import Foundation
@testable import ModelgateCore
import Testing

/// CONTRACT §4: no control character in an emitted header value or a log line.
@Suite("Control characters")
struct ControlCharacterTests {
    @Test(arguments: ["a\rb", "a\nb", "a\tb", "\u{0}", "x\u{1b}[31m", "del\u{7f}", "c1\u{85}", "c1\u{9f}"])
    func controlCharactersAreFound(text: String) {
        #expect(ControlCharacters.contains(text))
        #expect(ControlCharacters.contains(Substring(text)))
    }

    @Test(arguments: ["gpt-4o", "bedrock/anthropic.claude-3:0", "é ü ñ", "模型", "\u{a0}nbsp", "emoji 🙂", ""])
    func ordinaryTextIsClean(text: String) {
        #expect(!ControlCharacters.contains(text))
    }

    static func allow(alias: String? = "ci", modelID: String = "gpt-4o", credential: String = "sk-upstream") -> Decision {
        Decision(
            allow: true, status: 200, message: "ok", modelGroup: "gpt-4o", modelID: modelID, provider: "openai",
            keyAlias: alias, teamID: "team-1",
            credential: InjectedCredential(headerName: "authorization", headerValue: Secret("Bearer \(credential)")))
    }

    @Test func aCleanAllowIsEmittedAsIs() {
        let decision = Self.allow().checkedForEmission
        #expect(decision.allow)
        #expect(decision.keyAlias == "ci")
    }

    @Test func anAllowWithAControlCharacterInAHeaderValueBecomesADenial() {
        let alias = Self.allow(alias: "ci\r\nx-injected: 1").checkedForEmission
        #expect(!alias.allow)
        #expect(alias.reason == .malformedBody)
        #expect(alias.message.contains("x-modelgate-key-alias"))
        #expect(alias.keyAlias == nil)
        #expect(alias.teamID == "team-1")
        let model = Self.allow(modelID: "gpt\n4o").checkedForEmission
        #expect(model.reason == .malformedBody)
        #expect(model.param == "model")
        let credential = Self.allow(credential: "sk-up\nstream").checkedForEmission
        #expect(!credential.allow)
        #expect(credential.reason == .credentialUnavailable)
        #expect(!credential.message.contains("sk-up"))
        // What a front writes for the denial is clean too.
        for decision in [alias, model, credential] {
            for header in decision.denyHeaders { #expect(!ControlCharacters.contains(header.value)) }
        }
    }

    @Test func logTextEscapesControlCharactersAndCutsClientInput() {
        #expect(LogText.escaped("a\nb\rc\td\u{1b}e\\f") == #"a\nb\rc\td\u{1b}e\\f"#)
        #expect(!ControlCharacters.contains(LogText.escaped("x\u{85}\u{0}\u{7f}")))
        let long = String(repeating: "a", count: 70_000)
        let cut = LogText.client(long)
        #expect(cut.utf8.count < LogText.maximumClientBytes + 64)
        #expect(LogText.client("a\nb") == "a\nb")  // escaping is the handler's, once
        #expect(cut.contains("70000 bytes"))
        #expect(LogText.cut(long).utf8.count < LogText.maximumValueBytes + 64)
        #expect(LogText.cut("short") == "short")
    }

    @Test func logTextRedactsPresentedCredentialsInAPath() {
        let headers = HeaderFields([("authorization", "Bearer sk-presented-0123456789")])
        let logged = LogText.clientTarget("/credentials/sk-presented-0123456789", rawTarget: "/credentials/sk-presented-0123456789", headers: headers)
        #expect(logged == "/credentials/***")
        let query = LogText.clientTarget("/key/info?key=sk-in-query-0123", rawTarget: "/key/info?key=sk-in-query-0123", headers: HeaderFields([]))
        #expect(!query.contains("sk-in-query-0123"))
    }
}
