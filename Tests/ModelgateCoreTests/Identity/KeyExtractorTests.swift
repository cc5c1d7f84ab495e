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
