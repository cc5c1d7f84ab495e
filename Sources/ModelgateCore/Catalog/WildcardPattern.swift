/// A LiteLLM model wildcard (`openai/*`, `gpt-4o-*`) read as a glob: `*` is any run of
/// characters, everything else is literal. Never a regex: in `gpt.4o*` the `.` is a dot.
public struct WildcardPattern: Sendable, Equatable {
    public let pattern: String
    private let bytes: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        bytes = Array(pattern.utf8)
    }

    /// Whether the whole of `text` matches (greedy two-pointer glob with one backtrack point,
    /// linear in practice, O(n·m) at worst).
    public func matches(_ text: String) -> Bool {
        var text = text
        return bytes.withUnsafeBufferPointer { pattern in text.withUTF8 { Self.match(pattern, $0) } }
    }

    /// Whether `pattern` holds a `*`, without building a pattern.
    static func hasWildcard(_ pattern: String) -> Bool { pattern.containsByte(UInt8(ascii: "*")) }

    /// `WildcardPattern(pattern).matches(text)` without building a pattern (allowlist entries
    /// are matched once per check; compiling them would cost an allocation each).
    static func matches(_ pattern: String, _ text: String) -> Bool {
        var pattern = pattern, text = text
        return pattern.withUTF8 { pattern in text.withUTF8 { match(pattern, $0) } }
    }

    private static func match(_ pattern: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
