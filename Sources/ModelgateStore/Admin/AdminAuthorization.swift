import Crypto
import ModelgateCore

/// The admin API's single credential: `Authorization: Bearer <master key>`.
struct AdminAuthorization: Sendable {
    /// The configured master key, read at each request (a config reload may change it).
    let masterKey: @Sendable () -> String?

    func check(_ headers: HeaderFields) throws(AdminError) {
        guard let masterKey = masterKey(), !masterKey.isEmpty else {
            throw .unauthorized(
                "the admin API is disabled: no master key is configured (set MODELGATE_MASTER_KEY or general_settings.master_key)")
        }
        let values = headers.all("authorization")
        guard values.count == 1, let presented = Self.bearerToken(values[0]) else {
            throw .unauthorized("admin routes need 'Authorization: Bearer <master key>'")
        }
        guard Self.constantTimeEqual(presented, masterKey) else {
            throw .unauthorized("the bearer token is not the master key")
        }
    }

    static func bearerToken(_ value: String) -> String? {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Compares digests, so neither the length nor the first differing byte of the master key
    /// shows in the time taken.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let da = Array(SHA256.hash(data: Array(a.utf8)))
        let db = Array(SHA256.hash(data: Array(b.utf8)))
        var difference: UInt8 = 0
        for index in 0..<da.count { difference |= da[index] ^ db[index] }
        return difference == 0
    }
}
