import Foundation
import Testing

@testable import ModelgateLiteLLM

/// Values encrypted by LiteLLM's own helpers and PyNaCl (Fixtures/cipher-vectors.json, written by
/// Tests/litellm/make_cipher_vectors.py), opened by modelgate.
@Suite struct LiteLLMCipherTests {
    struct Vectors: Decodable {
        struct Vector: Decodable {
            var format: String
            var stored: String
            var salt_key: String
            var plaintext: String
        }
        struct Failure: Decodable {
            var `case`: String
            var stored: String
            var salt_key: String
        }
        var vectors: [Vector]
        var failures: [Failure]
    }

    static let vectors: Vectors = {
        let url = Bundle.module.url(forResource: "cipher-vectors", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }()

    @Test func everyFormatLiteLLMWritesOpens() throws {
        let formats = Set(Self.vectors.vectors.map(\.format))
        #expect(formats == ["nacl-urlsafe", "nacl-standard", "v2-gcm", "v3-gcm"])
        for vector in Self.vectors.vectors {
            let cipher = LiteLLMCipher(saltKey: LiteLLMSaltKey(vector.salt_key, origin: .saltKey))
            #expect(try cipher.decrypt(vector.stored) == vector.plaintext, "\(vector.format)")
        }
    }

    @Test func valuesThatDoNotOpenAreRefused() {
        #expect(Self.vectors.failures.count >= 12)
        for failure in Self.vectors.failures {
            let cipher = LiteLLMCipher(saltKey: LiteLLMSaltKey(failure.salt_key, origin: .saltKey))
            #expect(throws: LiteLLMDecryptionError.self, "\(failure.case)") { try cipher.decrypt(failure.stored) }
        }
    }

    @Test func emptyStoredValueIsEmptyAsInLiteLLM() throws {
        let cipher = LiteLLMCipher(saltKey: LiteLLMSaltKey("k", origin: .saltKey))
        #expect(try cipher.decrypt("") == "")
    }

    @Test func errorsNeverQuoteTheValue() {
        let cipher = LiteLLMCipher(saltKey: LiteLLMSaltKey("sk-wrong", origin: .saltKey))
        let stored = Self.vectors.vectors.first { $0.format == "nacl-urlsafe" && !$0.plaintext.isEmpty }!.stored
        do {
            _ = try cipher.decrypt(stored)
            Issue.record("a value under another salt key opened")
        } catch {
            #expect(!"\(error)".contains(stored))
            #expect(!"\(error)".contains("sk-wrong"))
        }
    }

    @Test func saltKeyIsChosenAsLiteLLMChoosesIt() {
        let both = ["LITELLM_SALT_KEY": "salt", "LITELLM_MASTER_KEY": "env-master"]
        #expect(LiteLLMSaltKey.resolve(environment: both, configMasterKey: "cfg")?.origin == .saltKey)
        #expect(LiteLLMSaltKey.resolve(environment: ["LITELLM_MASTER_KEY": "env-master"], configMasterKey: "cfg")?.origin == .configMasterKey)
        #expect(LiteLLMSaltKey.resolve(environment: ["LITELLM_MASTER_KEY": "env-master"], configMasterKey: nil)?.origin == .environmentMasterKey)
        #expect(LiteLLMSaltKey.resolve(environment: [:], configMasterKey: nil) == nil)
        #expect("\(LiteLLMSaltKey("salt", origin: .saltKey).value)" == "***")
    }
}
