#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A key's expiry written as text: the config file's `keys[].expires`, the admin API's
/// `expires` and the CLI's `--expires` all read it here, so they accept the same forms.
///
/// Accepted (RFC 3339):
/// - a date-time with `Z` or a `±hh:mm` offset, optionally with fractional seconds:
///   `2027-01-01T00:00:00Z`, `2027-01-01T02:00:00+02:00`, `2027-01-01T00:00:00.250Z`;
/// - a bare date, meaning 00:00:00Z that day: `2027-01-01`.
///
/// `T` and `Z` may be lower case. Anything else is refused: a time without a zone, a space for
/// `T`, hour 24, leap second 60, a day the month does not have, text before or after.
public enum ExpiryDate {
    /// The accepted forms, for error messages.
    public static let expected = "an RFC 3339 time such as 2027-01-01T00:00:00Z (an offset and fractional seconds are allowed) or a date such as 2027-01-01"

    /// The instant `text` names; nil when it is not one of the accepted forms.
    public static func parse(_ text: String) -> Date? {
        guard let match = text.wholeMatch(of: form),
              let year = Int(match.year), let month = Int(match.month), let day = Int(match.day)
        else { return nil }
        let date = DateComponents(year: year, month: month, day: day)
        guard date.isValidDate(in: utc), let midnight = utc.date(from: date) else { return nil }
        guard let hour = match.hour.flatMap({ Int($0) }), let minute = match.minute.flatMap({ Int($0) }),
              let second = match.second.flatMap({ Int($0) }), let zone = match.zone
        else { return midnight }
        var seconds = Double(hour * 3600 + minute * 60 + second)
        if let fraction = match.fraction, let value = Double("0" + fraction) { seconds += value }
        if zone.count > 1, let hours = Int(zone.dropFirst().prefix(2)), let minutes = Int(zone.suffix(2)) {
            let offset = Double(hours * 3600 + minutes * 60)
            seconds += zone.first == "-" ? offset : -offset
        }
        return midnight.addingTimeInterval(seconds)
    }

    /// `date` in the form answers and listings use: `2027-01-01T00:00:00Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    // The RFC 3339 grammar (ASCII digits only); the calendar checks the day.
    private static var form: Regex<(Substring, year: Substring, month: Substring, day: Substring, hour: Substring?, minute: Substring?, second: Substring?, fraction: Substring?, zone: Substring?)> {
        /(?<year>[0-9]{4})-(?<month>[0-9]{2})-(?<day>[0-9]{2})(?:[Tt](?<hour>[01][0-9]|2[0-3]):(?<minute>[0-5][0-9]):(?<second>[0-5][0-9])(?<fraction>\.[0-9]{1,9})?(?<zone>[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]))?/
    }
}
