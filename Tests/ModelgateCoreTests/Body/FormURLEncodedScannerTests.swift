import ModelgateCore
import Testing

/// `application/x-www-form-urlencoded` bodies: decoded as a query string, every field that names
/// a model read, and every form two parsers could read differently refused.
@Suite("Form-urlencoded body scanner")
struct FormURLEncodedScannerTests {
    private func scan(_ text: String) throws(BodyProblem) -> BodyFacts {
        try FormURLEncodedScanner.scan(Array(text.utf8))
    }

    private func problem(_ text: String) -> String? {
        do {
            _ = try scan(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func readsTheModelDecoded() throws {
        #expect(try scan("model=gpt-4o&prompt=hi").model == "gpt-4o")
        #expect(try scan("prompt=a+b&model=bedrock%2Fclaude").model == "bedrock/claude")
        #expect(try scan("prompt=hi").model == nil)
        #expect(try FormURLEncodedScanner.modelField(in: Array("model=m".utf8)) == "m")
    }

    @Test func readsTargetModelNamesAndTheSession() throws {
        let facts = try scan("model=m&target_model_names=a,%20b&target_model_names%5B0%5D=c&session=%7B%22model%22%3A%22s%22%7D")
        #expect(facts.targetModelNames == ["a", "b", "c"])
        #expect(facts.sessionModel == "s")
    }

    @Test func notesAForbiddenParameter() throws {
        #expect(try scan("model=m&api_base=http%3A%2F%2Fevil").forbiddenParameter == "api_base")
        #expect(try scan("model=m&temperature=1").forbiddenParameter == nil)
    }

    @Test func refusesWhatParsersReadDifferently() {
        #expect(problem("model=a&model=b") != nil)
        #expect(problem("model=a;model=b")?.contains("';'") == true)
        #expect(problem("Model=a")?.contains("only in case") == true)
        #expect(problem("model=%FF") != nil)
        #expect(FormURLEncodedScannerTests.invalidUTF8Refused())
    }

    private static func invalidUTF8Refused() -> Bool {
        (try? FormURLEncodedScanner.scan([0x6D, 0x3D, 0xC3])) == nil
    }
}
