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
        #expect(try MultipartScanner.modelField(in: body([file], preamble: "ignored\r\n"), boundary: boundary) == nil)
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
}
