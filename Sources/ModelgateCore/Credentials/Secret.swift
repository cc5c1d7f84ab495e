/// A secret string (provider credential) that never prints itself.
///
/// `description` and `debugDescription` are `***`, so string interpolation into a log line,
/// error or metric cannot leak it; only `reveal` hands out the value, for the wire.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let reveal: String
    /// `Bearer <value>`, the `Authorization` value of OpenAI-style providers, built once with the
    /// secret rather than on every allowed check that injects it.
    let bearerValue: String

    public init(_ value: String) {
        reveal = value
        bearerValue = "Bearer " + value
    }

    /// The `Bearer <value>` form of `secret`, as a secret of its own.
    init(bearer secret: Secret) {
        reveal = secret.bearerValue
        // Never wrapped twice; sharing the text costs nothing.
        bearerValue = reveal
    }

    public static func == (lhs: Secret, rhs: Secret) -> Bool { lhs.reveal == rhs.reveal }
    public func hash(into hasher: inout Hasher) { hasher.combine(reveal) }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
}
