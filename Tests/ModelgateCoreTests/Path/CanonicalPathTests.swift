@testable import ModelgateCore
import Testing

@Suite("Canonical path")
struct CanonicalPathTests {
    private func segments(_ target: String) throws -> [String] {
        try CanonicalPath.parse(target).get().segments.map(\.decoded)
    }

    private func problem(_ target: String) -> PathProblem? {
        if case .failure(let problem) = CanonicalPath.parse(target) { return problem }
        return nil
    }

    @Test func decodesEachSegmentOnce() throws {
        #expect(try segments("/model/a%3Ab%252Fc/invoke") == ["model", "a:b%2Fc", "invoke"])
        #expect(try segments("/openai/deployments/gpt-4.1%20mini/x") == ["openai", "deployments", "gpt-4.1 mini", "x"])
    }

    /// An escaped segment decodes on one of two paths: ASCII results straight into a String,
    /// others through validation. Both must give the same readings.
    @Test func decodesNonASCIIEscapesTheGeneralWay() throws {
        #expect(try segments("/model/caf%C3%A9/x") == ["model", "café", "x"])
        #expect(try segments("/model/%E2%9C%93%2Fok/x") == ["model", "✓/ok", "x"])
        #expect(try CanonicalPath.parse("/model/%E2%9C%93%2Fok/x").get().segments[1].hasEncodedSlash)
        #expect(try !CanonicalPath.parse("/model/caf%C3%A9/x").get().segments[1].hasEncodedSlash)
        #expect(problem("/a/%C3%A9%00") == .forbiddenCharacter("a NUL byte"))
        #expect(problem("/a/%C3") == .invalidUTF8)
    }

    @Test func marksEncodedSlashes() throws {
        let path = try CanonicalPath.parse("/model/arn%2Fx/invoke").get()
        #expect(path.segments.map(\.hasEncodedSlash) == [false, true, false])
        #expect(path.segments[1].decoded == "arn/x")
    }

    @Test(arguments: [
        ("/a//b", PathProblem.emptySegment), ("/a/b/", .emptySegment), ("/a/../b", .dotSegment),
        ("/a/%2E%2e/b", .dotSegment), ("/a/./b", .dotSegment), ("/a/%2e/b", .dotSegment),
        ("/a/%zz", .badPercentEncoding), ("/a/%4", .badPercentEncoding), ("/a/%C0%AF", .invalidUTF8),
        ("/a/%FF", .invalidUTF8), ("a/b", .notAbsolute), ("/a#b", .fragment),
    ])
    func rejectsAmbiguity(_ target: String, _ expected: PathProblem) {
        #expect(problem(target) == expected)
    }

    @Test(arguments: ["/a;b", "/a%3Bb", "/a\\b", "/a%5Cb", "/a%00b", "/a%0Ab", "/a%7F", "/a%23b"])
    func rejectsForbiddenCharacters(_ target: String) {
        guard case .forbiddenCharacter = problem(target) else {
            Issue.record("\(target) was not rejected for a forbidden character")
            return
        }
    }

    @Test func queryIsDecodedOnceAndUnique() throws {
        let query = try CanonicalPath.parse("/x?model=a%2Fb+c&key=sk-1&&flag").get().query
        #expect(query["model"] == "a/b c")
        #expect(query["key"] == "sk-1")
        #expect(query["flag"] == "")
        #expect(problem("/x?a=1&a=2") == .repeatedQueryParameter("a"))
        #expect(problem("/x?a=%G1") == .badPercentEncoding)
    }

    /// The eight-bytes-at-a-time test must never pass over a forbidden byte: every byte value,
    /// at every position of a segment long enough for two whole words and a tail.
    @Test func forbiddenBytesAreFoundAtEveryPosition() {
        for value in 0...255 {
            let byte = UInt8(value)
            let forbidden = byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "\\")
                || byte == UInt8(ascii: "#")
            for position in 0..<19 {
                var segment = [UInt8](repeating: UInt8(ascii: "a"), count: 19)
                segment[position] = byte
                #expect((CanonicalPath.forbiddenByte(in: segment) != nil) == forbidden, "byte \(value) at \(position)")
            }
        }
        // Bytes of multi-byte UTF-8 (0x80 and up) are never forbidden, whatever surrounds them.
        #expect(CanonicalPath.forbiddenByte(in: Array("模型-модель-🙂-claude".utf8)) == nil)
    }
}
