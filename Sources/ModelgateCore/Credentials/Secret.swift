/// A secret string (provider credential) that never prints itself.
///
/// `description` and `debugDescription` are `***`, so string interpolation into a log line,
/// error or metric cannot leak it; only `reveal` hands out the value, for the wire.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let reveal: String

    public init(_ value: String) { reveal = value }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
}
