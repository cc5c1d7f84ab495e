import Crypto
import Foundation

/// Encrypts provider credential values for the database with AES-256-GCM.
///
/// The AES key is derived with HKDF-SHA256 from `MODELGATE_SECRET_KEY`, under fixed salt and
/// info strings that name modelgate and a format version, so the same secret used elsewhere
/// never yields this key. Each sealed value is bound to its credential name (additional
/// authenticated data): a ciphertext moved to another row does not decrypt.
public struct CredentialCipher: Sendable {
    /// The environment variable holding the secret the encryption key is derived from.
    public static let environmentVariable = "MODELGATE_SECRET_KEY"

    static let salt = Array("modelgate/credential-encryption/v1".utf8)
    static let info = Array("modelgate AES-256-GCM credential values key v1".utf8)
    /// First byte of every sealed value; a later format gets a new version byte.
    static let formatVersion: UInt8 = 1

    private let key: SymmetricKey

    /// Derives the key from `secret`; nil when it is empty.
    public init?(secret: String) {
        guard !secret.isEmpty else { return nil }
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(secret.utf8)),
            salt: Self.salt, info: Self.info, outputByteCount: 32)
    }

    /// The cipher configured by `MODELGATE_SECRET_KEY` in `environment`, if any.
    public init?(environment: [String: String]) {
        guard let secret = environment[Self.environmentVariable] else { return nil }
        self.init(secret: secret)
    }

    /// Seals `plaintext` for the credential `name`: version byte, nonce, ciphertext, tag.
    func seal(_ plaintext: [UInt8], credentialName name: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Self.associatedData(name))
        guard let combined = box.combined else { throw CredentialCipherError.sealFailed }
        return [Self.formatVersion] + Array(combined)
    }

    /// Opens a value sealed by `seal` for the same credential name and secret.
    func open(_ sealed: [UInt8], credentialName name: String) throws(CredentialCipherError) -> [UInt8] {
        guard sealed.first == Self.formatVersion else { throw .unknownFormat }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            return Array(try AES.GCM.open(box, using: key, authenticating: Self.associatedData(name)))
        } catch {
            throw .authenticationFailed
        }
    }

    private static func associatedData(_ name: String) -> [UInt8] {
        Array("modelgate credential \(name)".utf8)
    }
}

/// Why a stored credential could not be opened.
enum CredentialCipherError: Error, CustomStringConvertible {
    case sealFailed
    case unknownFormat
    /// Wrong `MODELGATE_SECRET_KEY` or a tampered value: AES-GCM cannot tell which.
    case authenticationFailed

    var description: String {
        switch self {
        case .sealFailed: "encryption failed"
        case .unknownFormat: "the stored value has an unknown format version"
        case .authenticationFailed:
            "the stored value does not decrypt: MODELGATE_SECRET_KEY differs from the one it was stored with, or the value was altered"
        }
    }
}
