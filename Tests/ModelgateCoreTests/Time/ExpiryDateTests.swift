import Foundation
import ModelgateCore
import Testing

/// One expiry parser for the config file, the admin API and the CLI.
@Suite("Expiry date")
struct ExpiryDateTests {
    static let newYear2027 = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01T00:00:00Z

    @Test(arguments: [
        ("2027-01-01T00:00:00Z", 0.0),
        ("2027-01-01t00:00:00z", 0),
        ("2027-01-01", 0),
        ("2027-01-01T00:00:00.5Z", 0.5),
        ("2027-01-01T00:00:00.250+00:00", 0.25),
        ("2027-01-01T02:00:00+02:00", 0),
        ("2026-12-31T22:30:00-01:30", 0),
        ("2027-01-01T00:00:01.123456789Z", 1.123456789),
    ])
    func acceptsRFC3339AndBareDates(text: String, secondsAfterNewYear: Double) throws {
        let date = try #require(ExpiryDate.parse(text), "\(text)")
        #expect(abs(date.timeIntervalSince(Self.newYear2027) - secondsAfterNewYear) < 1e-6, "\(text)")
    }

    @Test(arguments: [
        "",
        "2027-01-01T00:00:00",          // no zone
        "2027-01-01 00:00:00Z",         // space for T
        "2027-01-01T00:00Z",            // no seconds
        "2027-01-01T24:00:00Z",         // hour 24
        "2027-01-01T23:59:60Z",         // leap second
        "2027-02-29",                   // not a leap year
        "2027-02-30T00:00:00Z",         // a day February does not have
        "2027-13-01",
        "2027-1-1",
        "20270101",
        "2027-01-01T00:00:00+0200",     // offset without colon
        "2027-01-01T00:00:00.Z",        // empty fraction
        "2027-01-01T00:00:00Zjunk",     // trailing text
        " 2027-01-01",                  // leading space
        "２０２７-01-01",                  // non-ASCII digits
        "1798761600",
        "next year",
    ])
    func refusesEverythingElse(text: String) {
        #expect(ExpiryDate.parse(text) == nil, "\(text)")
    }

    @Test func leapDayOfALeapYear() throws {
        let date = try #require(ExpiryDate.parse("2028-02-29"))
        #expect(ExpiryDate.format(date) == "2028-02-29T00:00:00Z")
    }

    @Test func formatRoundTrips() throws {
        let date = try #require(ExpiryDate.parse("2027-01-01T02:00:00+02:00"))
        #expect(ExpiryDate.format(date) == "2027-01-01T00:00:00Z")
        #expect(ExpiryDate.parse(ExpiryDate.format(date)) == date)
    }
}
