import Foundation
import ModelgateCore
import Testing
@testable import ModelgateStore

@Suite("Durations, timestamps and generated keys")
struct KeyDurationTests {
    @Test("LiteLLM duration strings parse; others do not")
    func parse() {
        #expect(KeyDuration("30s")?.count == 30)
        #expect(KeyDuration("30s")?.unit == .seconds)
        #expect(KeyDuration("20m")?.unit == .minutes)
        #expect(KeyDuration("1mo")?.unit == .months)
        #expect(KeyDuration("2w")?.unit == .weeks)
        for bad in ["", "d", "0d", "-1d", "1.5h", "10", "1 d", "1D", "99999999d", "1month"] {
            #expect(KeyDuration(bad) == nil, "\(bad)")
        }
    }

    @Test("durations add to a time; months follow the calendar")
    func add() throws {
        let start = try #require(ExpiryDate.parse("2026-01-31T12:00:00Z"))
        #expect(KeyDuration("90s")?.added(to: start) == start.addingTimeInterval(90))
        #expect(KeyDuration("2w")?.added(to: start) == start.addingTimeInterval(14 * 86400))
        #expect(KeyDuration("1mo").map { Timestamp.format($0.added(to: start)) } == "2026-02-28T12:00:00Z")
    }

    @Test("timestamps parse with and without fractional seconds or offsets")
    func timestamps() {
        #expect(ExpiryDate.parse("2027-01-01T00:00:00Z") != nil)
        #expect(ExpiryDate.parse("2027-01-01T00:00:00.250Z") != nil)
        #expect(ExpiryDate.parse("2027-01-01T02:00:00+02:00") == ExpiryDate.parse("2027-01-01T00:00:00Z"))
        #expect(ExpiryDate.parse("next week") == nil)
    }

    @Test("generated keys are sk- and 43 URL-safe characters, all different")
    func generatedKeys() {
        let keys = (0..<200).map { _ in VirtualKeys.generate() }
        #expect(Set(keys).count == keys.count)
        for key in keys {
            #expect(key.hasPrefix("sk-"))
            #expect(key.count == 3 + 43)
            #expect(key.dropFirst(3).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
    }

    @Test("base64url matches RFC 4648 test vectors")
    func base64URL() {
        #expect(VirtualKeys.base64URL(Array("f".utf8)) == "Zg")
        #expect(VirtualKeys.base64URL(Array("fo".utf8)) == "Zm8")
        #expect(VirtualKeys.base64URL(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(VirtualKeys.base64URL([0xFB, 0xFF]) == "-_8")
    }
}
