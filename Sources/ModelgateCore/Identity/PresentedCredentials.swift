/// Every credential value a request presents (key headers, the token of any `Authorization`
/// scheme, `?key=`), valid or not, so that no decision message quotes one back into a log.
struct PresentedCredentials {
    /// Shorter values are left alone: they would blank out ordinary words of a message, and a
    /// real key is longer.
    static let minimumLength = 6

    private(set) var values: [String] = []

    init(_ request: CheckRequest) {
        for field in request.headers.fields where KeyExtractor.credentialHeaders.contains(field.name) {
            let value = String(field.value.trimmingSpaces)
            add(value)
            if field.name == "authorization", let space = value.firstIndex(of: " ") {
                add(String(value[value.index(after: space)...].trimmingSpaces))
            }
        }
        let target = request.rawTarget
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            let query = target[target.utf8.index(after: mark)...]
            for piece in query.split(separator: "&") where piece.hasPrefix("key=") {
                let raw = piece.dropFirst(4)
                add(String(raw))
                if let bytes = PercentDecoding.decode(raw.utf8, plusIsSpace: true) { add(String(decoding: bytes, as: UTF8.self)) }
            }
        }
    }

    private mutating func add(_ value: String) {
        if value.utf8.count >= Self.minimumLength, !values.contains(value) { values.append(value) }
    }

    /// `text` with every presented value replaced by `***`, longest first.
    func redacting(_ text: String) -> String {
        var text = text
        for value in values.sorted(by: { $0.utf8.count > $1.utf8.count }) where text.contains(value) {
            text = text.replacing(value, with: "***")
        }
        return text
    }
}
