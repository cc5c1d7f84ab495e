/// Where a virtual key may arrive, in the shapes each SDK uses.
public enum KeyLocation: String, Sendable {
    case authorizationBearer = "authorization"
    case xAPIKey = "x-api-key"
    case apiKey = "api-key"
    case xGoogAPIKey = "x-goog-api-key"
    case queryKey = "?key="
}

/// The virtual key a request presents, or why it presents none usable.
public enum PresentedKey: Sendable, Equatable {
    case key(String)
    case missing
    /// Two different values across the key locations.
    case ambiguous
}

/// Finds the virtual key in `Authorization: Bearer`, `x-api-key`, `api-key`, `x-goog-api-key`
/// and `?key=`. The same key in several places is fine; two different values are not.
public enum KeyExtractor {
    /// Client credential headers: whatever is not replaced by an injected credential is removed.
    public static let credentialHeaders = ["authorization", "x-api-key", "api-key", "x-goog-api-key"]

    /// Whether `length` is the UTF-8 length of one of `credentialHeaders` (13, 9, 7, 14); a
    /// switch, not a `Set`, which would hash every header's length.
    @inline(__always)
    static func isKeyHeaderLength(_ length: Int) -> Bool {
        switch length {
        case 7, 9, 13, 14: return true
        default: return false
        }
    }

    public static func presentedKey(headers: HeaderFields, queryKey: String?) -> PresentedKey {
        // Slices of the header values until the end: no copy per candidate.
        var found: Substring?
        func offer(_ candidate: Substring) -> Bool {
            let value = candidate.trimmingSpaces
            guard !value.isEmpty else { return true }
            if let found, found != value { return false }
            found = value
            return true
        }
        for field in headers.fields {
            // Most headers are not key headers: their length (which a String knows) says so
            // without comparing text (see HeaderFields on why lengths suffice).
            guard isKeyHeaderLength(field.name.utf8.count) else { continue }
            let isAuthorization = field.name == "authorization"
            guard isAuthorization || field.name == "x-api-key" || field.name == "api-key" || field.name == "x-goog-api-key" else {
                continue
            }
            func consider(_ piece: Substring) -> Bool {
                // Only Bearer carries a virtual key; SigV4 or Basic credentials are not ours.
                guard isAuthorization else { return offer(piece) }
                guard let token = bearerToken(piece) else { return true }
                return offer(token)
            }
            // Envoy's gRPC attributes join repeated headers with ','; no key holds one, so each
            // piece is a value of its own and two different ones stay ambiguous. (Almost no
            // value holds a ',' byte, and then there is nothing to split.)
            if field.value.containsByte(UInt8(ascii: ",")) {
                for piece in field.value.split(separator: ",", omittingEmptySubsequences: true) where !consider(piece) {
                    return .ambiguous
                }
            } else if !field.value.isEmpty, !consider(field.value[...]) {
                return .ambiguous
            }
        }
        if let queryKey, !offer(queryKey[...]) { return .ambiguous }
        return found.map { PresentedKey.key(String($0)) } ?? .missing
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), else nil.
    static func bearerToken<S: StringProtocol>(_ value: S) -> Substring? where S.SubSequence == Substring {
        let trimmed = value.trimmingSpaces
        // Fast path, same answer: an ASCII `bearer ` (any case) followed by an ASCII byte is seven
        // one-byte Characters and more, so neither counting Characters nor lower-casing is needed.
        let utf8 = trimmed.utf8
        if utf8.count > 7, utf8[utf8.index(utf8.startIndex, offsetBy: 7)] < 0x80 {
            let lowered = utf8.prefix(7).lazy.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
            guard lowered.elementsEqual("bearer ".utf8) else { return nil }
            return trimmed[utf8.index(utf8.startIndex, offsetBy: 7)...]
        }
        guard trimmed.count > 7 else { return nil }
        let scheme = trimmed.prefix(7)
        guard scheme.lowercased() == "bearer " else { return nil }
        return trimmed.dropFirst(7)
    }
}
