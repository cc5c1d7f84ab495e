import ModelgateCore
import Testing

/// A member that names models may appear once in its object, at every level the scanner reads
/// (top level, a realtime `session`, a `{"model": …}` fallback entry); the message names it
/// by its path. Other members may repeat.
@Suite("Repeated members in a JSON body")
struct RepeatedMemberTests {
    private func problem(_ text: String) -> String? {
        do {
            _ = try JSONBodyScanner.scan(Array(text.utf8))
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aRepeatedModelMemberIsNamedByItsPath() {
        #expect(problem(#"{"model":"a","model":"b"}"#) == "the key 'model' appears more than once")
        #expect(problem(#"{"model":"a","fallbacks":[{"model":"b","tools":[],"tools":[]}]}"#)
            == "the key 'fallbacks[].tools' appears more than once")
        #expect(problem(#"{"model":"a","fallbacks":[{"model":"b","model":"c"}]}"#)
            == "the key 'fallbacks[].model' appears more than once")
        #expect(JSONBodyScanner.scanSessionProblem(#"{"model":"a","audio":{},"audio":{}}"#)
            == "the key 'session.audio' appears more than once")
    }

    @Test func otherMembersMayRepeat() throws {
        // In a fallback entry `tags`, `metadata` and `session` are plain parameters.
        #expect(problem(#"{"model":"a","fallbacks":[{"model":"b","tags":["x"],"tags":["y"],"session":1,"session":2}]}"#) == nil)
        #expect(problem(#"{"model":"a","messages":[],"messages":[]}"#) == nil)
        #expect(JSONBodyScanner.scanSessionProblem(#"{"model":"a","voice":"x","voice":"y"}"#) == nil)
    }

    @Test func membersAreReadWhereTheyStand() throws {
        let facts = try JSONBodyScanner.scan(Array(#"{"model":"a","fallbacks":[{"model":"b","fallbacks":["c"],"extra_body":{"model":"d"},"tools":[{"model":"e"}]}]}"#.utf8))
        #expect(facts.fallbacks == ["b", "c", "d"])
        #expect(facts.toolModels == ["e"])
        let session = try JSONBodyScanner.scanSession(Array(#"{"model":"s","input_audio_transcription":{"model":"t"}}"#.utf8))
        #expect(session.sessionModel == "s")
        #expect(session.transcriptionModels == ["t"])
    }
}

extension JSONBodyScanner {
    fileprivate static func scanSessionProblem(_ text: String) -> String? {
        do {
            _ = try scanSession(Array(text.utf8))
            return nil
        } catch {
            return error.message
        }
    }
}
