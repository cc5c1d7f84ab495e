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

    public static func presentedKey(headers: HeaderFields, queryKey: String?) -> PresentedKey {
        var found: String?
        func offer(_ candidate: String) -> Bool {
            let value = candidate.trimmingSpaces
            guard !value.isEmpty else { return true }
            if let found, found != value { return false }
            found = String(value)
            return true
        }
        for field in headers.fields {
            let ok: Bool
            switch field.name {
            case "authorization":
                // Only Bearer carries a virtual key; SigV4 or Basic credentials are not ours.
                guard let token = bearerToken(field.value) else { continue }
                ok = offer(String(token))
            case "x-api-key", "api-key", "x-goog-api-key":
                ok = offer(field.value)
            default:
                continue
            }
            if !ok { return .ambiguous }
        }
        if let queryKey, !offer(queryKey) { return .ambiguous }
        return found.map(PresentedKey.key) ?? .missing
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), else nil.
    static func bearerToken(_ value: String) -> Substring? {
        let trimmed = value.trimmingSpaces
        guard trimmed.count > 7 else { return nil }
        let scheme = trimmed.prefix(7)
        guard scheme.lowercased() == "bearer " else { return nil }
        return trimmed.dropFirst(7)
    }
}
