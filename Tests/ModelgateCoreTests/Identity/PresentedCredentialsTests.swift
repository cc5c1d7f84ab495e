@testable import ModelgateCore
import Testing

/// Decision messages never quote a credential the request presented; the byte-level shortcut
/// that skips the general replacement must never skip a quote.
@Suite("Presented credentials")
struct PresentedCredentialsTests {
    private func credentials(_ headers: [(String, String)], target: String = "/v1/chat/completions") -> PresentedCredentials {
        PresentedCredentials(CheckRequest(method: "POST", rawTarget: target, headers: HeaderFields(headers), body: .empty))
    }

    @Test func valuesFromEveryCredentialLocation() {
        let presented = credentials(
            [("authorization", "Bearer sk-bearer-123"), ("x-api-key", " sk-xapi-456 "), ("api-key", "sk-api-789"),
             ("x-goog-api-key", "goog-000111"), ("user-agent", "OpenAI/Python 1.99.1"), ("authorization", "Bearer sk-bearer-123")],
            target: "/v1beta/models/x:generateContent?alt=sse&key=sk%2Dquery%2B1")
        #expect(presented.values == [
            "Bearer sk-bearer-123", "sk-bearer-123", "sk-xapi-456", "sk-api-789", "goog-000111", "sk%2Dquery%2B1", "sk-query+1",
        ])
    }

    @Test func shortValuesAreLeftAlone() {
        #expect(credentials([("x-api-key", "abc12")]).values == [])
        #expect(credentials([("x-api-key", "abc12")]).redacting("model abc12 is unknown") == "model abc12 is unknown")
    }

    @Test func messagesWithoutAValueComeBackUnchanged() {
        let presented = credentials([("authorization", "Bearer sk-live-0123456789")])
        let message = "allowed: 'gpt-4o' → model group 'gpt-4o' via openai"
        #expect(presented.redacting(message) == message)
    }

    @Test func quotedValuesAreReplacedLongestFirst() {
        let presented = credentials([("authorization", "Bearer sk-live-0123456789")])
        #expect(presented.redacting("no model route matches POST /nowhere/sk-live-0123456789 → nothing")
            == "no model route matches POST /nowhere/*** → nothing")
        #expect(presented.redacting("header was Bearer sk-live-0123456789") == "header was ***")
        let query = credentials([], target: "/x?key=sk%2Dq-777777")
        #expect(query.redacting("model 'sk-q-777777' and 'sk%2Dq-777777'") == "model '***' and '***'")
    }

    @Test func canonicallyEquivalentQuotesAreReplaced() {
        // KELVIN SIGN is canonically "K": String matching treats the text as quoting the key.
        let presented = credentials([("x-api-key", "sk-Key-424242")])
        #expect(presented.redacting("model 'sk-\u{212A}ey-424242' is unknown") == "model '***' is unknown")
        let greek = credentials([("x-api-key", "sk;semi;424242")])
        #expect(greek.redacting("model 'sk\u{037E}semi;424242'") == "model '***'")
    }

    @Test func nonASCIIValuesTakeTheGeneralPath() {
        let presented = credentials([("x-api-key", "sk-café-424242")])
        #expect(presented.redacting("model 'sk-café-424242' is unknown") == "model '***' is unknown")
        #expect(presented.redacting("model 'sk-cafe\u{301}-424242' is unknown") == "model '***' is unknown")
        #expect(presented.redacting("nothing here → ok") == "nothing here → ok")
    }

    @Test func keyHeaderLengthsMatchTheHeaderList() {
        #expect(Set(KeyExtractor.credentialHeaders.map(\.utf8.count)) == Set((0...64).filter(KeyExtractor.isKeyHeaderLength)))
    }

    @Test func percentDecodingRejectsCutEscapes() {
        #expect(PercentDecoding.decode(Array("a%3Ab+c".utf8), plusIsSpace: true) == Array("a:b c".utf8))
        #expect(PercentDecoding.decode(Array("a%3Ab+c".utf8)) == Array("a:b+c".utf8))
        for bad in ["%", "%3", "a%", "a%G1", "%3g", "ab%2"] {
            #expect(PercentDecoding.decode(Array(bad.utf8)) == nil, "\(bad)")
        }
        #expect(PercentDecoding.decode([UInt8]()) == [])
    }
}
