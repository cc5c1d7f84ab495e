/// A `Content-Type` or `Content-Disposition` value read strictly: `value *( ";" key "=" value )`
/// where the value is an RFC 9110 token (`type/subtype` for a media type) and each parameter
/// value a token or a quoted string without escapes.
///
/// python-multipart reads these headers differently across versions (0.0.20 follows the email
/// package: RFC 2231 `name*=`, `<…>` unquoting, Python's wider whitespace; newer versions drop
/// `name*=` and keep the plain `name`), so anything outside this grammar could name another
/// field upstream than here and is refused: control characters, `*` in a key, a backslash in a
/// quoted string, `<…>`, a repeated key, a parameter without `=`. Spaces and tabs around `;` and
/// `=` are allowed (every parser drops them); keys are compared without case.
public struct HeaderParameters: Sendable, Equatable {
    /// The value before the first `;`, lower-cased.
    public var value: String
    /// Each parameter: key lower-cased, value unquoted.
    public var parameters: [(key: String, value: String)]

    public subscript(key: String) -> String? {
        parameters.first { $0.key == key }?.value
    }

    public static func == (lhs: HeaderParameters, rhs: HeaderParameters) -> Bool {
        lhs.value == rhs.value && lhs.parameters.elementsEqual(rhs.parameters) { $0 == $1 }
    }

    /// Parses `text`; `mediaType` asks for `type/subtype` before the parameters.
    public static func parse(_ text: some StringProtocol, mediaType: Bool) throws(BodyProblem) -> HeaderParameters {
        let bytes = Array(text.utf8)
        var index = 0
        func skipSpace() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 } }
        func token() -> String? {
            let start = index
            while index < bytes.count, isTokenByte(bytes[index]) { index += 1 }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }
        for byte in bytes where (byte < 0x20 && byte != 0x09) || byte == 0x7F {
            throw BodyProblem("a header value holds a control character")
        }
        skipSpace()
        guard var value = token() else { throw BodyProblem("a header value does not start with a token") }
        if mediaType {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "/") else { throw BodyProblem("a media type without '/'") }
            index += 1
            guard let subtype = token() else { throw BodyProblem("a media type without a subtype") }
            value += "/" + subtype
        }
        var parameters: [(key: String, value: String)] = []
        skipSpace()
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: ";") else { throw BodyProblem("a header parameter is not a token or a quoted string") }
            index += 1
            skipSpace()
            // An empty parameter (`;;`, a trailing `;`) names nothing in any parser.
            if index == bytes.count || bytes[index] == UInt8(ascii: ";") { continue }
            guard let key = token()?.lowercased() else { throw BodyProblem("a header parameter without a name") }
            if key.utf8.contains(UInt8(ascii: "*")) { throw BodyProblem("an extended (RFC 2231) header parameter '\(key.prefix(40))'") }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw BodyProblem("the header parameter '\(key.prefix(40))' has no value") }
            index += 1
            skipSpace()
            let parameter: String
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { throw BodyProblem("a quoted header parameter with a backslash escape") }
                    index += 1
                }
                guard index < bytes.count else { throw BodyProblem("a quoted header parameter is not closed") }
                guard let quoted = String(validating: bytes[start..<index], as: UTF8.self) else {
                    throw BodyProblem("a quoted header parameter is not UTF-8")
                }
                parameter = quoted
                index += 1
            } else {
                guard let plain = token() else { throw BodyProblem("the header parameter '\(key.prefix(40))' is not a token or a quoted string") }
                parameter = plain
            }
            if parameters.contains(where: { $0.key == key }) { throw BodyProblem("the header parameter '\(key.prefix(40))' appears twice") }
            parameters.append((key: key, value: parameter))
            skipSpace()
        }
        return HeaderParameters(value: value.lowercased(), parameters: parameters)
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
