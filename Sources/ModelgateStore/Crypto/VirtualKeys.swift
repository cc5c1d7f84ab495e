import ModelgateCore

/// Making and naming virtual keys (`sk-…`). The raw key leaves this process once, in the
/// answer to the request that made it; only its SHA-256 hash is stored.
enum VirtualKeys {
    /// 32 random bytes: 43 URL-safe characters after `sk-`, well past guessing.
    static let randomByteCount = 32

    /// A fresh key from the system's cryptographic random source.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<randomByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "sk-" + base64URL(bytes)
    }

    /// LiteLLM's `key_name`: `sk-...` and the last four characters, enough to recognise a key
    /// in a list without weakening it.
    static func displayName(of key: String) -> String {
        "sk-..." + String(key.suffix(4))
    }

    /// Checks a key the admin supplied (`"key"` on `/key/generate`).
    static func validateSupplied(_ key: String) throws(AdminError) {
        guard key.hasPrefix("sk-"), key.count > 3 else {
            throw .badRequest("a virtual key must start with 'sk-' and have characters after it", param: "key")
        }
        guard key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .badRequest("a virtual key may hold only visible ASCII characters", param: "key")
        }
    }

    /// What an admin request names a key by: the raw `sk-…` key or its 64-hex-digit hash
    /// (the `token` the API returns), as LiteLLM accepts both.
    static func hash(ofReference reference: String) -> KeyHash {
        if !reference.hasPrefix("sk-"), let hash = KeyHash(hex: reference) { return hash }
        return KeyHash(hashing: reference)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// RFC 4648 §5 base64url without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let n = UInt32(bytes[index]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        case 2:
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }
}
