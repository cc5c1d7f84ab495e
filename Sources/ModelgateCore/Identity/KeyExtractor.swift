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
        switch presentedKeySlice(headers: headers, queryKey: queryKey) {
        case .key(let slice): return .key(String(slice))
        case .missing: return .missing
        case .ambiguous: return .ambiguous
        }
    }

    /// `presentedKey` as a slice of the header value (or query key) it came from: the key is
    /// only hashed, so the check makes no `String` of it.
    enum PresentedSlice {
        case key(Substring)
        case missing
        case ambiguous
    }

    static func presentedKeySlice(headers: HeaderFields, queryKey: String?) -> PresentedSlice {
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
        return found.map { PresentedSlice.key($0) } ?? .missing
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), else nil.
    static func bearerToken<S: StringProtocol>(_ value: S) -> Substring? where S.SubSequence == Substring {
        if let answer = asciiBearerToken(value[...]) { return answer }
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

    /// `bearerToken` read from the bytes of an all-ASCII value (every real `Authorization`
    /// header): there a byte is a Character, so trimming and the scheme test need no Character
    /// walk. `.some(nil)`: not a Bearer value; nil: not all ASCII, read it by Characters.
    private static func asciiBearerToken(_ value: Substring) -> Substring?? {
        let utf8 = value.utf8
        let range: Range<Int>?? = utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return .some(nil) }
            // All ASCII: eight bytes at a time, then the tail.
            var index = 0
            while index + 8 <= bytes.count {
                if UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return nil }
                index += 8
            }
            while index < bytes.count {
                if bytes[index] >= 0x80 { return nil }
                index += 1
            }
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            guard end - start > 7 else { return .some(nil) }
            // `| 0x20` lower-cases an ASCII letter and maps no other byte onto one.
            let b = UnsafeBufferPointer(rebasing: bytes[start..<start + 7])
            guard b[0] | 0x20 == 0x62, b[1] | 0x20 == 0x65, b[2] | 0x20 == 0x61, b[3] | 0x20 == 0x72,
                  b[4] | 0x20 == 0x65, b[5] | 0x20 == 0x72, b[6] == 0x20 else { return .some(nil) }
            return start + 7..<end
        } ?? nil
        guard let range else { return nil }
        guard let range else { return .some(nil) }
        return .some(value[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)])
    }
}
