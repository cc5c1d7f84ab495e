@testable import ModelgateCore
import Testing

@Suite("Multipart scanner")
struct MultipartScannerTests {
    let boundary = "XyZ123"

    private func body(_ parts: [(String, String)], close: Bool = true, preamble: String = "") -> [UInt8] {
        var text = preamble
        for (disposition, value) in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; \(disposition)\r\n\r\n\(value)\r\n"
        }
        if close { text += "--\(boundary)--\r\n" }
        return Array(text.utf8)
    }

    @Test func boundaryFromContentType() {
        #expect(MultipartScanner.boundary(fromContentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartScanner.boundary(fromContentType: "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(MultipartScanner.boundary(fromContentType: "application/json") == nil)
    }

    @Test func modelBeforeOrAfterTheFile() throws {
        let file = ("name=\"file\"; filename=\"a.wav\"", String(repeating: "\u{1}RIFF--XyZ12", count: 100))
        #expect(try MultipartScanner.modelField(in: body([file, ("name=\"model\"", "whisper-1")]), boundary: boundary) == "whisper-1")
        #expect(try MultipartScanner.modelField(in: body([("name=\"model\"", "whisper-1"), file]), boundary: boundary) == "whisper-1")
    }

    @Test func rejectsRepeatsAndTruncation() {
        #expect(throws: BodyProblem.self) {
            try MultipartScanner.modelField(in: body([("name=\"model\"", "a"), ("name=\"model\"", "b")]), boundary: boundary)
        }
        #expect(throws: BodyProblem.self) {
            try MultipartScanner.modelField(in: body([("name=\"model\"", "a")], close: false), boundary: boundary)
        }
        #expect(throws: BodyProblem.self) { try MultipartScanner.modelField(in: Array("no parts".utf8), boundary: boundary) }
    }

    // MARK: Issue 13, class 3: read as Starlette and python-multipart read it

    private func read(_ text: String, contentType: String = "multipart/form-data; boundary=XyZ123") throws(BodyProblem) -> BodyFacts {
        try BodyReader.read(Array(text.utf8), contentType: contentType).body
    }

    private func part(_ disposition: String, _ value: String) -> String {
        "--XyZ123\r\nContent-Disposition: \(disposition)\r\n\r\n\(value)\r\n"
    }

    @Test func bytesBeforeTheFirstDelimiterAreMalformed() throws {
        let parts = part("form-data; name=\"model\"", "cheap") + "--XyZ123--\r\n"
        for preamble in ["\n", "\r\n", "\r", "ignored\r\n", " ", "\r\n\r\nxx"] {
            #expect(throws: BodyProblem.self, "\(preamble.debugDescription)") { try read(preamble + parts) }
        }
        #expect(try read(parts).model == "cheap")
    }

    @Test func aCharsetOtherThanUTF8IsMalformed() throws {
        let body = part("form-data; name=\"+AG0-odel\"", "gpt-5") + part("form-data; name=\"model\"", "cheap") + "--XyZ123--\r\n"
        for charset in ["utf-7", "UTF-7", "\"utf-7\"", "utf-16", "utf-32", "latin-1", "cp1252"] {
            #expect(throws: BodyProblem.self, "\(charset)") {
                try read(body, contentType: "multipart/form-data; boundary=XyZ123; charset=\(charset)")
            }
        }
        #expect(throws: BodyProblem.self) { try read(body, contentType: "application/x-www-form-urlencoded; charset=utf-7") }
        #expect(throws: BodyProblem.self) { try read(body, contentType: "multipart/form-data; boundary=XyZ123; charset*=utf-7''x") }
        for charset in ["utf-8", "UTF-8", "utf8", "us-ascii", "\"utf-8\""] {
            #expect(try read(body, contentType: "multipart/form-data; charset=\(charset); boundary=XyZ123").model == "cheap")
        }
    }

    @Test func dispositionParametersOutsideTheGrammarAreMalformed() throws {
        for disposition in [
            "form-data; name=<model>", "form-data; \u{0B}name=\"model\"", "form-data; name*=utf-8''model",
            "form-data; name=\"mo\\del\"", "form-data; name=\"model\"; name=\"x\"", "form-data; name=\"a\u{0C}\"",
            "form-data; name", "form-data name=\"model\"", "form-data; name=\"model", "form-data; na me=\"model\"",
        ] {
            let body = part(disposition, "gpt-5") + "--XyZ123--\r\n"
            #expect(throws: BodyProblem.self, "\(disposition.debugDescription)") { try read(body) }
        }
        let fine = part("form-data ;  NAME = \"model\" ; filename=\"a;b.wav\";", "cheap") + "--XyZ123--\r\n"
        #expect(try read(fine).model == "cheap")
        #expect(throws: BodyProblem.self) { try read("--XyZ123\r\nContent-Disposition : form-data; name=model\r\n\r\nx\r\n--XyZ123--") }
        #expect(throws: BodyProblem.self) { try read("--XyZ123\r\nX-Other: 1\r\n\r\nx\r\n--XyZ123--") }
    }

    @Test func contentTypesLiteLLMAndStarletteReadDifferently() {
        let body = part("form-data; name=\"model\"", "cheap") + "--XyZ123--\r\n"
        for contentType in ["Multipart/Form-Data; boundary=XyZ123", "multipart/mixed; boundary=XyZ123", "text/x-form", "multipart/form-data"] {
            #expect(throws: BodyProblem.self, "\(contentType)") { try read(body, contentType: contentType) }
        }
    }

    @Test func realtimeSessionFieldAndTargetModelNames() throws {
        let session = #"{"model":"gpt-realtime","audio":{"input":{"transcription":{"model":"whisper-1"}}}}"#
        let facts = try read(part("form-data; name=\"sdp\"", "v=0") + part("form-data; name=\"session\"", session) + "--XyZ123--\r\n")
        #expect(facts.sessionModel == "gpt-realtime")
        #expect(facts.transcriptionModels == ["whisper-1"])
        #expect(throws: BodyProblem.self) { try read(part("form-data; name=\"session\"", "{") + "--XyZ123--") }
        let files = try read(
            part("form-data; name=\"target_model_names\"", " cheap , opus,,") + part("form-data; name=\"target_model_names[]\"", "gpt-5")
                + part("form-data; name=\"file\"; filename=\"a.jsonl\"", "{}") + "--XyZ123--\r\n")
        #expect(files.targetModelNames == ["cheap", "opus", "gpt-5"])
        #expect(try read(part("form-data; name=\"api_base\"", "https://x") + "--XyZ123--").forbiddenParameter == "api_base")
        #expect(throws: BodyProblem.self) { try read(part("form-data; name=\"MODEL\"", "x") + "--XyZ123--") }
    }

    @Test func partCountIsCapped() throws {
        let many = String(repeating: part("form-data; name=\"x\"", "1"), count: FormFields.maxParts + 1) + "--XyZ123--"
        #expect(throws: BodyProblem.self) { try read(many) }
        let enough = String(repeating: part("form-data; name=\"x\"", "1"), count: FormFields.maxParts) + "--XyZ123--"
        #expect(try read(enough).model == nil)
    }
}
