import Foundation

/// When a key stops working, as an admin request states it.
public enum KeyExpiry: Sendable, Equatable {
    case never
    case at(Date)
    /// LiteLLM's `duration`, counted from the moment of the write.
    case after(KeyDuration)

    func date(from now: Date) -> Date? {
        switch self {
        case .never: nil
        case .at(let date): date
        case .after(let duration): duration.added(to: now)
        }
    }
}

/// LiteLLM's duration strings: a count and a unit, `30s`, `20m`, `1h`, `7d`, `2w`, `1mo`, `1y`.
public struct KeyDuration: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable, CaseIterable {
        case seconds = "s", minutes = "m", hours = "h", days = "d", weeks = "w", months = "mo", years = "y"
    }

    public var count: Int
    public var unit: Unit

    /// Parses `text`; nil when it is not a positive count followed by a known unit.
    public init?(_ text: String) {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 6, let count = Int(digits), count > 0,
              let unit = Unit(rawValue: String(text.dropFirst(digits.count)))
        else { return nil }
        self.count = count
        self.unit = unit
    }

    public var description: String { "\(count)\(unit.rawValue)" }

    /// `now` plus this duration; months and years follow the calendar (UTC).
    func added(to now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let component: Calendar.Component
        var amount = count
        switch unit {
        case .seconds: component = .second
        case .minutes: component = .minute
        case .hours: component = .hour
        case .days: component = .day
        case .weeks: component = .day; amount *= 7
        case .months: component = .month
        case .years: component = .year
        }
        return calendar.date(byAdding: component, value: amount, to: now) ?? now
    }

    static let explanation = "a duration such as 30s, 20m, 1h, 7d, 2w, 1mo or 1y"
}

/// Timestamps in admin API answers (`expires` is read by `ExpiryDate`).
enum Timestamp {
    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
