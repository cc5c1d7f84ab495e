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

    @Test func duplicateKeysEvenWhenEscaped() throws {
        #expect(rejects(Array(#"{"model":"a","model":"b"}"#.utf8)))
        #expect(rejects(Array(#"{"model":"a","mod\u0065l":"b"}"#.utf8)))
        #expect(rejects(Array(#"{"tags":[],"t\u0061gs":[]}"#.utf8)))
        #expect(rejects(Array(#"{"metadata":{"tags":[],"tags":[]}}"#.utf8)))
        // A group named twice in a fallback mapping (found by the json fuzz target, 2026-12-05).
        #expect(rejects(Array(#"{"fallbacks":[{"a":["x"],"a":["y"]}]}"#.utf8)))
        #expect(rejects(Array(#"{"context_window_fallbacks":[{"g":["p"],"tags":["b"],"tags":["c"]}]}"#.utf8)))
        // A mapping has exactly one member (LiteLLM reads only the first key); a repeated
        // parameter next to `model` is fine.
        #expect(rejects(Array(#"{"fallbacks":[{"a":["x"],"b":["y"]}]}"#.utf8)))
        #expect(try scan(#"{"fallbacks":[{"model":"m","stop":["x"],"stop":["y"]}]}"#).fallbacks == ["m"])
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

    /// The string scan reads 32, 16 and 8 bytes at a time: every kind of byte that needs
    /// attention, at every offset across those windows and in strings of every length up to
    /// beyond two windows, is found and judged as a byte-at-a-time reader would.
    @Test func everyOffsetOfEveryWindowIsChecked() {
        let insertions: [(bytes: [UInt8], valid: Bool)] = [
            (Array(#"\""#.utf8), true), (Array(#"\\"#.utf8), true), (Array(#"\n"#.utf8), true),
            (Array(#"\u00e9"#.utf8), true), ([0xC3, 0xA9], true), ([0xE6, 0x9D, 0xB1], true),
            ([0xF0, 0x9F, 0x98, 0x80], true), ([0x1F], false), ([0x00], false), ([0x7F], true),
            ([0xC3], false), ([0xC0, 0xAF], false), ([0xED, 0xA0, 0x80], false), ([0xE0, 0x80, 0xAF], false),
            ([0xF4, 0x90, 0x80, 0x80], false), ([0xFF], false), (Array(#"\x"#.utf8), false), (Array(#"\u12"#.utf8), false),
        ]
        for length in 0..<72 {
            for offset in 0...length {
                for (bytes, valid) in insertions {
                    let content = Array(repeating: UInt8(ascii: "a"), count: offset) + bytes
                        + Array(repeating: UInt8(ascii: "z"), count: length - offset)
                    let body = Array(#"{"x":""#.utf8) + content + Array(#"","model":"m"}"#.utf8)
                    #expect(rejects(body) == !valid, "length \(length), offset \(offset), bytes \(bytes)")
                }
                // The body ends inside the string: never accepted, never read past the end.
                let cut = Array(#"{"x":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: length)
                #expect(rejects(cut), "truncated at \(length)")
            }
        }
    }

    // MARK: Issue 13, class 1: fallback entries carry more than a name

    @Test func fallbackEntriesAreReadAsLiteLLMAppliesThem() throws {
        let facts = try scan(#"{"model":"cheap","fallbacks":[{"model":"cheap","fallbacks":["gpt-5",{"model":"o3","context_window_fallbacks":[{"g":["h"]}]}],"extra_body":{"model":"opus"},"temperature":0.2}]}"#)
        #expect(facts.fallbacks == ["cheap", "gpt-5", "o3", "g", "h", "opus"])
        #expect(try scan(#"{"fallbacks":[{"model":"a","tools":[{"type":"image_generation","model":"img"}]}]}"#).toolModels == ["img"])
        #expect(try scan(#"{"content_policy_fallbacks":[{"temperature":1,"model":"a","content_policy_fallbacks":["b"]}]}"#).fallbacks == ["a", "b"])
    }

    @Test func fallbackEntriesOfOtherShapesAreMalformed() {
        for text in [
            #"{"fallbacks":[{"temperature":0.2}]}"#, #"{"fallbacks":[{"model":["x"]}]}"#, #"{"fallbacks":[{"model":"a","model":"b"}]}"#,
            #"{"fallbacks":[{"model":"a","fallbacks":"b"}]}"#, #"{"fallbacks":[{"model":"a","fallbacks":[],"fallbacks":["b"]}]}"#,
            #"{"fallbacks":[{"g":"x"}]}"#, #"{"fallbacks":[{"g":null}]}"#, #"{"fallbacks":[{"model":"a","extra_body":{"model":1}}]}"#,
        ] {
            #expect(rejects(Array(text.utf8)), "\(text)")
        }
        var deep = #""x""#
        for _ in 0...JSONBodyScanner.maxFallbackDepth { deep = #"{"model":"m","fallbacks":["# + deep + "]}" }
        #expect(rejects(Array(#"{"fallbacks":["#.utf8) + Array(deep.utf8) + Array("]}".utf8)))
    }

    @Test func forbiddenParametersAtTheTopAndInsideFallbackEntries() throws {
        #expect(try scan(#"{"model":"a","api_base":"https://x"}"#).forbiddenParameter == "api_base")
        #expect(try scan(#"{"model":"a","user_config":{"model_list":[]}}"#).forbiddenParameter == "user_config")
        #expect(try scan(#"{"model":"a","router_settings_override":{}}"#).forbiddenParameter == "router_settings_override")
        #expect(try scan(#"{"model":"a","api_\u006bey":"sk"}"#).forbiddenParameter == "api_key")
        #expect(try scan(#"{"model":"a","fallbacks":[{"model":"b","aws_bedrock_runtime_endpoint":"https://x"}]}"#).forbiddenParameter == "aws_bedrock_runtime_endpoint")
        #expect(try scan(#"{"model":"a","metadata":{"api_base":"x"},"messages":[{"api_key":"x"}]}"#).forbiddenParameter == nil)
        // Still read in full: a malformed body after a forbidden field is malformed.
        #expect(rejects(Array(#"{"api_base":"x","model":"a","model":"b"}"#.utf8)))
    }

    // MARK: Issue 13, class 2: fields that name models

    @Test func otherFieldsThatNameModels() throws {
        let facts = try scan(#"{"model":"cheap","extra_body":{"model":"opus","x":1},"tools":[{"type":"function","name":"f"},{"type":"image_generation","model":"gpt-image-1"},"odd",{"model":null}]}"#)
        #expect(facts.extraBodyModels == ["opus"])
        #expect(facts.toolModels == ["gpt-image-1"])
        let session = try scan(#"{"session":{"model":"rt","audio":{"input":{"transcription":{"model":"whisper"}}},"input_audio_transcription":{"model":"t2"}}}"#)
        #expect(session.sessionModel == "rt")
        #expect(session.transcriptionModels == ["whisper", "t2"])
        #expect(try JSONBodyScanner.scanSession(Array(#" {"model":"rt","input_audio_transcription":{"model":"t"}} "#.utf8)).transcriptionModels == ["t"])
        for text in [
            #"{"extra_body":{"model":"a","model":"b"}}"#, #"{"extra_body":"x"}"#, #"{"tools":[{"model":"a","model":"b"}]}"#,
            #"{"tools":[{"model":5}]}"#, #"{"session":{"audio":{"input":{"transcription":{"model":"a","model":"b"}}}}}"#,
            #"{"session":{"input_audio_transcription":{"model":1}}}"#, #"{"extra_body":{},"extra_body":{}}"#,
        ] {
            #expect(rejects(Array(text.utf8)), "\(text)")
        }
    }

    @Test func aKeyEqualToModelIgnoringCaseIsMalformed() throws {
        for text in [#"{"model":"a","MODEL":"b"}"#, #"{"Model":"b"}"#, #"{"mOdEl":"b"}"#, #"{"MOD\u0045L":"b"}"#] {
            #expect(rejects(Array(text.utf8)), "\(text)")
        }
        #expect(try scan(#"{"model":"a","models":"b","messages":[{"MODEL":"x"}]}"#).model == "a")
    }
}
