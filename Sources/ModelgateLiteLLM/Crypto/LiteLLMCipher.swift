import CSodium
import Crypto
import Foundation

/// Opens the values LiteLLM encrypts into its database (`LiteLLM_ProxyModelTable.litellm_params`
/// values, `LiteLLM_CredentialsTable.credential_values`), in every format LiteLLM writes:
///
/// - `v3:gcm:` + base64url(nonce 12 ‖ ciphertext ‖ tag 16): AES-256-GCM, key HKDF-SHA256 of the
///   salt key (no salt, info `litellm-at-rest-v3`);
/// - `v2:gcm:` + the same: AES-256-GCM, key SHA-256 of the salt key;
/// - anything else: base64 (URL-safe or standard) of a NaCl SecretBox (XSalsa20-Poly1305,
///   nonce 24 ‖ ciphertext with its 16-byte tag), key SHA-256 of the salt key. An empty value
///   opens to the empty string, as in LiteLLM.
///
/// The salt key is `LITELLM_SALT_KEY`, else LiteLLM's master key (`LiteLLMSaltKey`).
public struct LiteLLMCipher: Sendable {
    static let v3Prefix = "v3:gcm:"
    static let v2Prefix = "v2:gcm:"
    static let hkdfInfo = Array("litellm-at-rest-v3".utf8)

    /// SHA-256 of the salt key: the SecretBox and `v2:gcm:` key.
    private let sha256Key: [UInt8]
    /// HKDF-SHA256 of the salt key: the `v3:gcm:` key.
    private let hkdfKey: SymmetricKey

    public init(saltKey: LiteLLMSaltKey) {
        let material = Array(saltKey.value.reveal.utf8)
        sha256Key = Array(SHA256.hash(data: material))
        hkdfKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: material), info: Self.hkdfInfo, outputByteCount: 32)
    }

    /// The plaintext of `stored`, or why it does not open (never quoting it).
    public func decrypt(_ stored: String) throws(LiteLLMDecryptionError) -> String {
        let plaintext: [UInt8]
        if stored.hasPrefix(Self.v3Prefix) {
            plaintext = try Self.openGCM(Self.base64Bytes(stored.dropFirst(Self.v3Prefix.count)), key: hkdfKey)
        } else if stored.hasPrefix(Self.v2Prefix) {
            plaintext = try Self.openGCM(Self.base64Bytes(stored.dropFirst(Self.v2Prefix.count)), key: SymmetricKey(data: sha256Key))
        } else {
            let sealed = try Self.base64Bytes(Substring(stored))
            if sealed.isEmpty { return "" }
            plaintext = try SecretBox.open(sealed, key: sha256Key)
        }
        guard let text = String(validating: plaintext, as: UTF8.self) else { throw .notUTF8 }
        return text
    }

    private static func openGCM(_ sealed: [UInt8], key: SymmetricKey) throws(LiteLLMDecryptionError) -> [UInt8] {
        // nonce 12 + tag 16: anything shorter is not a sealed value (an empty plaintext is 28 bytes).
        guard sealed.count >= 28 else { throw .tooShort }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return Array(try AES.GCM.open(box, using: key))
        } catch {
            throw .authenticationFailed
        }
    }

    /// Base64 in either alphabet (LiteLLM writes URL-safe and reads both), padding required, as
    /// Python's decoder requires it. Other characters are refused rather than skipped.
    static func base64Bytes(_ text: Substring) throws(LiteLLMDecryptionError) -> [UInt8] {
        var standard = [UInt8]()
        standard.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): standard.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): standard.append(UInt8(ascii: "/"))
            default: standard.append(byte)
            }
        }
        guard let data = Data(base64Encoded: Data(standard)) else { throw .notBase64 }
        return Array(data)
    }
}

/// NaCl `crypto_secretbox` (XSalsa20-Poly1305) through libsodium.
enum SecretBox {
    static let nonceBytes = Int(crypto_secretbox_NONCEBYTES)
    static let macBytes = Int(crypto_secretbox_MACBYTES)

    /// `sodium_init` once per process; it is safe to call again, but not needed.
    private static let initialized: Bool = sodium_init() >= 0

    /// Opens nonce ‖ ciphertext-with-tag under a 32-byte key.
    static func open(_ sealed: [UInt8], key: [UInt8]) throws(LiteLLMDecryptionError) -> [UInt8] {
        guard initialized else { throw .cipherUnavailable }
        guard key.count == Int(crypto_secretbox_KEYBYTES) else { throw .authenticationFailed }
        guard sealed.count >= nonceBytes + macBytes else { throw .tooShort }
        let cipherCount = sealed.count - nonceBytes
        let plaintextCount = cipherCount - macBytes
        // One spare byte so the buffer has an address when the plaintext is empty.
        var plaintext = [UInt8](repeating: 0, count: plaintextCount + 1)
        let status = sealed.withUnsafeBufferPointer { sealedBytes in
            key.withUnsafeBufferPointer { keyBytes in
                plaintext.withUnsafeMutableBufferPointer { out in
                    crypto_secretbox_open_easy(
                        out.baseAddress!,
                        sealedBytes.baseAddress! + nonceBytes, UInt64(cipherCount),
                        sealedBytes.baseAddress!, keyBytes.baseAddress!)
                }
            }
        }
        guard status == 0 else { throw .authenticationFailed }
        plaintext.removeLast()
        return plaintext
    }
}

/// Why a LiteLLM-encrypted value did not open. Never carries the value.
public enum LiteLLMDecryptionError: Error, Sendable, CustomStringConvertible {
    case notBase64
    case tooShort
    /// A wrong salt key, or an altered value: the ciphers cannot tell which.
    case authenticationFailed
    case notUTF8
    /// libsodium could not be initialised.
    case cipherUnavailable

    public var description: String {
        switch self {
        case .notBase64: "the value is not base64 and has no v2:gcm:/v3:gcm: prefix"
        case .tooShort: "the value is too short to be a sealed value"
        case .authenticationFailed:
            "the value does not decrypt: LITELLM_SALT_KEY (or LiteLLM's master key) differs from the one it was written with, or it was altered"
        case .notUTF8: "the decrypted value is not UTF-8"
        case .cipherUnavailable: "libsodium could not be initialised"
        }
    }
}
