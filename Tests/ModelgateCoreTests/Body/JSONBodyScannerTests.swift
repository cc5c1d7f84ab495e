@testable import ModelgateCore
import Testing

@Suite("JSON body scanner")
struct JSONBodyScannerTests {
    private func scan(_ text: String) throws(BodyProblem) -> BodyFacts {
        try JSONBodyScanner.scan(Array(text.utf8))
    }

    private func rejects(_ bytes: [UInt8]) -> Bool {
        (try? JSONBodyScanner.scan(bytes)) == nil
    }

    @Test func findsTopLevelFieldsOnly() throws {
        let facts = try scan(#"{"messages":[{"model":"x","content":"hi"}],"model":"gpt-4o","metadata":{"user":"u","tags":["a"]},"tags":["b"]}"#)
        #expect(facts.model == "gpt-4o")
        #expect(facts.tags == ["a", "b"])
    }

    @Test func readsEveryFallbackShape() throws {
        let facts = try scan(#"{"model":"m","fallbacks":["a",{"model":"b","messages":[]},{"c":["d","e"]}],"context_window_fallbacks":[{"f":["g"]}],"content_policy_fallbacks":null}"#)
        #expect(facts.fallbacks == ["a", "b", "c", "d", "e", "f", "g"])
    }

    @Test func rejectsOtherFallbackShapes() {
        #expect(rejects(Array(#"{"fallbacks":[1]}"#.utf8)))
        #expect(rejects(Array(#"{"fallbacks":[{}]}"#.utf8)))
        #expect(rejects(Array(#"{"fallbacks":[{"a":"b"}]}"#.utf8)))
        #expect(rejects(Array(#"{"fallbacks":"a"}"#.utf8)))
    }

    @Test func duplicateKeysEvenWhenEscaped() {
        #expect(rejects(Array(#"{"model":"a","model":"b"}"#.utf8)))
        #expect(rejects(Array(#"{"model":"a","mod\u0065l":"b"}"#.utf8)))
        #expect(rejects(Array(#"{"tags":[],"t\u0061gs":[]}"#.utf8)))
        #expect(rejects(Array(#"{"metadata":{"tags":[],"tags":[]}}"#.utf8)))
    }

    @Test func decodesEscapesInValues() throws {
        #expect(try scan(#"{"model":"a\/b\u00e9\ud83d\ude00\n"}"#).model == "a/bé😀\n")
    }

    @Test func validatesTheWholeDocument() {
        let bad = [
            "", "{", "[]", #"{"model":"a",}"#, #"{"model":"a"} x"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#,
            #"{"a":tru}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, "{\"a\":\"\u{01}\"}", #"{"a":NaN}"#, #"{"a" 1}"#,
            #"{'model':'a'}"#, #"{"a":[1,]}"#, #"{"a":"\udc00"}"#,
        ]
        for text in bad { #expect(rejects(Array(text.utf8)), "\(text)") }
    }

    @Test func validatesUTF8() {
        #expect(rejects([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D]))  // overlong '/'
        #expect(rejects([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D]))  // surrogate
        #expect(rejects([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xE2, 0x82, 0x22, 0x7D]))  // truncated
        #expect(!rejects(Array(#"{"a":"日本語テキスト and more ascii text here"}"#.utf8)))
    }

    @Test func acceptsNumbersAndNesting() throws {
        let facts = try scan(#"{"a":[-0.5e+10, 0, 12, 1E3, true, false, null, {"b": {"c": []}}], "model": "m"}"#)
        #expect(facts.model == "m")
        let deep = "{\"a\":" + String(repeating: "[", count: 400) + String(repeating: "]", count: 400) + "}"
        #expect(!rejects(Array(deep.utf8)))
        let tooDeep = "{\"a\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(rejects(Array(tooDeep.utf8)))
    }

    @Test func longStringsTakeTheWordPath() throws {
        let filler = String(repeating: "abcdefgh", count: 10_000)
        let facts = try scan(#"{"messages":[{"content":"\#(filler)"}],"model":"last"}"#)
        #expect(facts.model == "last")
        // A quote hidden at every offset inside a word must still end the string.
        for offset in 0..<16 {
            let text = "{\"x\":\"" + String(repeating: "a", count: offset) + "\",\"model\":\"m\"}"
            #expect(try scan(text).model == "m")
        }
    }

    @Test func sessionModel() throws {
        #expect(try scan(#"{"session":{"type":"realtime","model":"gpt-realtime"}}"#).sessionModel == "gpt-realtime")
        #expect(rejects(Array(#"{"session":{"model":1}}"#.utf8)))
        #expect(rejects(Array(#"{"session":"x"}"#.utf8)))
    }
}
