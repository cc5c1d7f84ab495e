import Foundation
@testable import ModelgateCore
import Testing

/// The one JSON string quoting the decision documents, error headers and log lines share.
@Suite("JSON text")
struct JSONTextTests {
    static func decoded(_ literal: String) throws -> String {
        try #require(try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed) as? String)
    }

    @Test(arguments: [
        "plain", "", "quote \" and backslash \\", "line\nbreak\rtab\t", "nul \u{0} bell \u{7} del \u{7F}",
        "é 漢字 🎉", "\u{2028}\u{2029}", "\u{FEFF}bom",
    ])
    func quotedRoundTripsThroughAJSONParser(value: String) throws {
        let ascii = JSONText.quoted(value)
        #expect(ascii.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "\(ascii)")
        #expect(try Self.decoded(ascii) == value)
        let utf8 = JSONText.quoted(value, asciiOnly: false)
        // Foundation drops a raw U+FEFF at the start of a string (docs/FUZZING.md); the escaped
        // form above is checked for it instead.
        if !value.unicodeScalars.contains("\u{FEFF}") { #expect(try Self.decoded(utf8) == value) }
        #expect(!utf8.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
    }

    @Test func escapesAreTheShortFormsOrLowerCaseHex() {
        #expect(JSONText.quoted("a\"b\\c\n\r\t") == #""a\"b\\c\n\r\t""#)
        #expect(JSONText.quoted("\u{1}\u{7F}") == #""\u0001\u007f""#)
        #expect(JSONText.quoted("é") == #""\u00e9""#)
        #expect(JSONText.quoted("🎉") == #""\ud83c\udf89""#)
        #expect(JSONText.quoted("é", asciiOnly: false) == "\"é\"")
    }

    @Test func appendQuotedAddsToWhatIsThere() {
        var out = "x="
        JSONText.appendQuoted("y", to: &out)
        #expect(out == "x=\"y\"")
    }

    @Test func objectsArraysAndNull() throws {
        let text = JSONText.object([
            ("a", "1"), ("b", JSONText.quoted("x")), ("c", JSONText.quotedOrNull(nil)),
            ("d", JSONText.array([JSONText.quoted("p"), "true"])), ("e", JSONText.array([])),
        ])
        #expect(text == #"{"a":1,"b":"x","c":null,"d":["p",true],"e":[]}"#)
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }
}
