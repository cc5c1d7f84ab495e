/// The client request's header fields as the proxy forwarded them.
///
/// Names are stored lower-cased (HTTP/2 and Envoy's gRPC attributes already are); lookups are
/// linear because a check sees a few dozen headers at most, which beats hashing them. Names are
/// looked up by lower-case ASCII names, so a name of another UTF-8 length cannot be equal
/// (canonical equivalence maps no other scalar to a lower-case ASCII letter, digit or `-`): the
/// length, which a String knows, is compared before the text.
public struct HeaderFields: Sendable, Equatable {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0.lowercased(), value: $0.1) }
    }

    public mutating func add(name: String, value: String) {
        fields.append((name: name.lowercased(), value: value))
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

    public static func == (lhs: HeaderFields, rhs: HeaderFields) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}
