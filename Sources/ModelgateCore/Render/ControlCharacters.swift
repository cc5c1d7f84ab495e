/// The one test for control characters in text modelgate emits or takes in (CONTRACT §4): a
/// header value must not hold one (CR/LF would split the header), and a string that may end up
/// in one (a model name, a key alias, a team id) is refused where it enters.
///
/// Control characters are C0 (U+0000–U+001F, tab included), DEL (U+007F) and C1
/// (U+0080–U+009F). Other non-ASCII text is allowed.
public enum ControlCharacters {
    /// True when `text` holds a control character. Reads UTF-8 bytes; no allocation.
    public static func contains(_ text: some StringProtocol) -> Bool {
        var afterC2 = false
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F { return true }
            // C1 controls are U+0080–U+009F: 0xC2 followed by 0x80–0x9F in UTF-8.
            if afterC2 && byte < 0xA0 { return true }
            afterC2 = byte == 0xC2
        }
        return false
    }

    /// The first string of `values` holding a control character, if any.
    public static func first(in values: some Sequence<String>) -> String? {
        values.first { contains($0) }
    }
}

extension CheckContext {
    /// A model name with a control character would become a header value (the chosen
    /// deployment's id, for a wildcard one): refused as `malformed_body` wherever it was named.
    func refuseControlCharactersInNamedModels() -> Decision? {
        guard let bad = named.first(where: { ControlCharacters.contains($0.id) }) else { return nil }
        return deny(.malformedBody, "the model named in the \(bad.source.rawValue) holds a control character", param: "model")
    }
}
