/// The client request's header fields as the proxy forwarded them.
///
/// Names are stored lower-cased (HTTP/2 and Envoy's gRPC attributes already are) and values
/// without leading and trailing spaces and tabs (HTTP optional whitespace, which every HTTP
/// parser drops): every front builds its headers here, so every front reads the same values
/// (CONTRACT §3). Lookups are linear because a check sees a few dozen headers at most, which
/// beats hashing them. Names are looked up by lower-case ASCII names, so a name of another UTF-8
/// length cannot be equal (canonical equivalence maps no other scalar to a lower-case ASCII
/// letter, digit or `-`): the length, which a String knows, is compared before the text.
public struct HeaderFields: Sendable, Equatable {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0.lowercased(), value: Self.trimmed($0.1)) }
    }

    public mutating func add(name: String, value: String) {
        fields.append((name: name.lowercased(), value: Self.trimmed(value)))
    }

    /// The first value of `name` (lower-case ASCII, as header names are).
    public func first(_ name: String) -> String? {
        let length = name.utf8.count
        for field in fields where field.name.utf8.count == length && field.name == name { return field.value }
        return nil
    }

    /// Every value of `name` (lower-case ASCII), in order.
    public func all(_ name: String) -> [String] {
        let length = name.utf8.count
        return fields.compactMap { $0.name.utf8.count == length && $0.name == name ? $0.value : nil }
    }

    /// Every element of `name`'s values read as a comma-separated list, as a proxy joins repeated
    /// headers (Envoy's gRPC attributes: `a,b`): split at commas outside quoted strings, each
    /// element trimmed. Empty elements are kept, so a caller can refuse them.
    public func listElements(_ name: String) -> [Substring] {
        var elements: [Substring] = []
        for value in all(name) {
            var start = value.startIndex
            var quoted = false, escaped = false
            var index = value.startIndex
            while index < value.endIndex {
                let character = value[index]
                if escaped {
                    escaped = false
                } else if quoted, character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    quoted.toggle()
                } else if !quoted, character == "," {
                    elements.append(value[start..<index].trimmingSpaces)
                    start = value.index(after: index)
                }
                index = value.index(after: index)
            }
            elements.append(value[start...].trimmingSpaces)
        }
        return elements
    }

    /// The request's one `Content-Type`, or nil without one. Two that differ are ambiguous:
    /// parsers disagree on which one counts (Starlette reads the first, others the last), so the
    /// body cannot be read one way only (CONTRACT §3, `malformed_body`). A proxy may have joined
    /// them with `,`, which a media type holds only inside a quoted string.
    public func contentType() throws(BodyProblem) -> String? {
        let length = 12
        var found: String?
        var count = 0
        for field in fields where field.name.utf8.count == length && field.name == "content-type" {
            count += 1
            found = field.value
        }
        guard let found else { return nil }
        // The usual case: one header, no comma.
        if count == 1, !found.containsByte(UInt8(ascii: ",")) { return found }
        let elements = listElements("content-type")
        guard let first = elements.first, elements.allSatisfy({ !$0.isEmpty && $0 == first }) else {
            throw BodyProblem("the request has Content-Type headers that differ")
        }
        return String(first)
    }

    public static func == (lhs: HeaderFields, rhs: HeaderFields) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// `value` without leading and trailing spaces and tabs; the same String when there are none.
    static func trimmed(_ value: String) -> String {
        let slice = value.trimmingSpaces
        return slice.utf8.count == value.utf8.count ? value : String(slice)
    }
}
