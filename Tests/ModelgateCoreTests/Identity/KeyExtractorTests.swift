@testable import ModelgateCore
import Testing

@Suite("Key extraction")
struct KeyExtractorTests {
    private func key(_ headers: [(String, String)], query: String? = nil) -> PresentedKey {
        KeyExtractor.presentedKey(headers: HeaderFields(headers), queryKey: query)
    }

    @Test func everyLocation() {
        #expect(key([("Authorization", "Bearer sk-1")]) == .key("sk-1"))
        #expect(key([("authorization", "bearer sk-1")]) == .key("sk-1"))
        #expect(key([("x-api-key", "sk-1")]) == .key("sk-1"))
        #expect(key([("api-key", "sk-1")]) == .key("sk-1"))
        #expect(key([("x-goog-api-key", "sk-1")]) == .key("sk-1"))
        #expect(key([], query: "sk-1") == .key("sk-1"))
        #expect(key([]) == .missing)
        #expect(key([("authorization", "Bearer ")]) == .missing)
    }

    /// `bearerToken` reads ASCII values byte by byte; it must agree with the Character reading
    /// (trim spaces and tabs, case-insensitive `bearer `) on every value, ASCII or not.
    @Test func bearerTokenAgreesWithTheCharacterReading() {
        func reference(_ value: String) -> Substring? {
            var slice = value[...]
            while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
            while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
            guard slice.count > 7, slice.prefix(7).lowercased() == "bearer " else { return nil }
            return slice.dropFirst(7)
        }
        let pieces = ["Bearer ", "bearer ", "BEARER ", "BeArEr ", "Bearer", "Bearer\t", "Basic ", " ", "\t", "sk-1",
                      "é", "\u{301}", "x", "  ", "Bearer\u{301} ", "Bearerx", "bearer  "]
        var generator = SystemRandomNumberGenerator()
        var values = pieces
        for _ in 0..<3000 {
            values.append((0..<Int.random(in: 1...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for value in values {
            let fast = KeyExtractor.bearerToken(value[...]).map(String.init)
            let expected = reference(value).map(String.init)
            #expect(fast == expected, "\(value.debugDescription)")
        }
    }

    @Test func sameKeyTwiceIsFineDifferentKeysAreNot() {
        #expect(key([("authorization", "Bearer sk-1"), ("x-api-key", "sk-1")], query: "sk-1") == .key("sk-1"))
        #expect(key([("authorization", "Bearer sk-1"), ("x-api-key", "sk-2")]) == .ambiguous)
        #expect(key([("x-api-key", "sk-1"), ("x-api-key", "sk-2")]) == .ambiguous)
        #expect(key([("x-api-key", "sk-1")], query: "sk-2") == .ambiguous)
    }

    @Test func envoyJoinedRepeatedHeadersAreStillTwoKeys() {
        #expect(key([("x-api-key", "sk-1,sk-2")]) == .ambiguous)
        #expect(key([("x-api-key", "sk-1, sk-1")]) == .key("sk-1"))
        #expect(key([("authorization", "Bearer sk-1,Bearer sk-2")]) == .ambiguous)
        #expect(key([("authorization", "AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=abc"), ("x-api-key", "sk-1")]) == .key("sk-1"))
    }

    @Test func nonBearerAuthorizationIsNotAKey() {
        #expect(key([("authorization", "AWS4-HMAC-SHA256 Credential=AKIA/x")]) == .missing)
        #expect(key([("authorization", "Basic dXNlcjpwYXNz"), ("x-api-key", "sk-1")]) == .key("sk-1"))
    }

    @Test func hashesAreSHA256() {
        // SHA-256("sk-test") as computed by sha256sum.
        #expect(KeyHash(hashing: "sk-test").hex == "f3abf2a6cc4f00987743db5f544ba345b4899ae31f326d8ee9c4816de153c9e0")
        let hash = KeyHash(hashing: "sk-anything")
        #expect(KeyHash(hex: hash.hex) == hash)
        #expect(KeyHash(hex: "zz") == nil)
    }
}
