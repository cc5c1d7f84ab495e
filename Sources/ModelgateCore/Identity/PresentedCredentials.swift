#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every credential value a request presents (key headers, the token of any `Authorization`
/// scheme, `?key=`), valid or not, so that no decision message quotes one back into a log.
///
/// Runs on every decision, and almost no message quotes a credential: the values are read as
/// slices of the request and looked for byte by byte, so the usual answer ("not there") costs
/// no allocation and no Foundation string search.
struct PresentedCredentials: Sendable {
    /// Shorter values are left alone: they would blank out ordinary words of a message, and a
    /// real key is longer.
    static let minimumLength = 6

    private let request: CheckRequest

    init(_ request: CheckRequest) {
        self.request = request
    }

    /// The distinct values of at least `minimumLength` bytes, in the order presented.
    var values: [String] {
        var values: [String] = []
        forEachValue { value in
            let value = String(value)
            if !values.contains(value) { values.append(value) }
            return true
        }
        return values
    }

    /// `text` with every presented value replaced by `***`, longest first.
    func redacting(_ text: String) -> String {
        var text = text
        let quoted = text.withUTF8 { mayQuoteAValue(UnsafeRawBufferPointer($0)) }
        guard quoted else { return text }
        for value in values.sorted(by: { $0.utf8.count > $1.utf8.count }) where text.contains(value) {
            text = text.replacing(value, with: "***")
        }
        return text
    }

    /// False only when no value can match in `text`, so the general path above would change
    /// nothing. String matching compares Characters up to canonical equivalence; for an ASCII
    /// value that is a byte match (or less: a Character "\r\n" matches no lone "\r"), except for
    /// the three code points whose canonical form is one ASCII character: KELVIN SIGN (K),
    /// GREEK QUESTION MARK (;) and GREEK VARIA (`). A text holding one of them, or a value with
    /// other non-ASCII bytes, counts as quoting.
    private func mayQuoteAValue(_ text: UnsafeRawBufferPointer) -> Bool {
        var quoted = false
        var textChecked = false
        forEachValue { value in
            if !textChecked {
                textChecked = true
                if Self.holdsASCIIEquivalent(text) {
                    quoted = true
                    return false
                }
            }
            var value = value
            quoted = value.withUTF8 { bytes in
                bytes.contains(where: { $0 >= 0x80 }) || Self.contains(text, UnsafeRawBufferPointer(bytes))
            }
            return !quoted
        }
        return quoted
    }

    /// Whether `text` holds U+212A (E2 84 AA), U+037E (CD BE) or U+1FEF (E1 BF AF).
    private static func holdsASCIIEquivalent(_ text: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < text.count {
            // Eight ASCII bytes at a time: none of them can start one of these.
            if i + 8 <= text.count, text.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            switch text[i] {
            case 0xCD where i + 1 < text.count && text[i + 1] == 0xBE: return true
            case 0xE1 where i + 2 < text.count && text[i + 1] == 0xBF && text[i + 2] == 0xAF: return true
            case 0xE2 where i + 2 < text.count && text[i + 1] == 0x84 && text[i + 2] == 0xAA: return true
            default: i += 1
            }
        }
        return false
    }

    /// Calls `body` with every value of at least `minimumLength` bytes (repeats included)
    /// until it returns false.
    private func forEachValue(_ body: (Substring) -> Bool) {
        func offer(_ value: Substring) -> Bool {
            value.utf8.count < Self.minimumLength || body(value)
        }
        for field in request.headers.fields where Self.isCredentialHeader(field.name) {
            let value = field.value.trimmingSpaces
            guard offer(value) else { return }
            if field.name == "authorization", let space = value.utf8.firstIndex(of: UInt8(ascii: " ")) {
                guard offer(value[value.utf8.index(after: space)...].trimmingSpaces) else { return }
            }
        }
        let target = request.rawTarget
        guard let mark = target.utf8Offset(of: UInt8(ascii: "?")) else { return }
        let query = target[target.utf8.index(target.utf8.startIndex, offsetBy: mark + 1)...]
        for piece in query.split(separator: "&") where piece.hasPrefix("key=") {
            let raw = piece.dropFirst(4)
            guard offer(raw) else { return }
            if let bytes = PercentDecoding.decode(raw.utf8, plusIsSpace: true) {
                guard offer(Substring(String(decoding: bytes, as: UTF8.self))) else { return }
            }
        }
    }

    /// `KeyExtractor.credentialHeaders`, with the lengths compared first (most headers differ).
    private static func isCredentialHeader(_ name: String) -> Bool {
        switch name.utf8.count {
        case 13: return name == "authorization"
        case 9: return name == "x-api-key"
        case 7: return name == "api-key"
        case 14: return name == "x-goog-api-key"
        default: return false
        }
    }

    /// Whether `needle` occurs in `haystack`, byte for byte.
    private static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        guard let pin = needle.baseAddress, let first = needle.first else { return true }
        guard needle.count <= haystack.count, let base = haystack.baseAddress else { return false }
        let last = haystack.count - needle.count
        var start = 0
        while start <= last {
            guard let hit = memchr(base + start, Int32(first), last - start + 1) else { return false }
            let index = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + index, pin, needle.count) == 0 { return true }
            start = index + 1
        }
        return false
    }
}
