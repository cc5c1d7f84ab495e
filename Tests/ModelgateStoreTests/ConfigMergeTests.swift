import Foundation
import Logging
import ModelgateConfig
import ModelgateCore
import Testing
@testable import ModelgateStore

/// The snapshot is the config file's parts merged with the database's. The config parser
/// belongs to another target; these tests build its output by hand.
@Suite("Config and database merge")
struct ConfigMergeTests {
    static func config(masterKey: String? = "sk-config-master") -> GatewayConfig {
        GatewayConfig(
            parts: PolicyParts(
                deployments: [Deployment(groupName: "claude", provider: .bedrock, modelID: "anthropic.claude", litellmModel: "bedrock/anthropic.claude")],
                keys: [VirtualKey(hash: KeyHash(hashing: "sk-static"), alias: "static")],
                teams: [Team(id: "static-team", models: ["claude"])],
                credentials: [Credential(name: "shared", provider: .bedrock, apiKey: Secret("config-value"))]),
            masterKey: masterKey)
    }

    func builder(_ store: any PolicyStorage, cipher: CredentialCipher?, environmentMasterKey: String? = nil, config: GatewayConfig = config()) -> SnapshotBuilder {
        SnapshotBuilder(holder: SnapshotHolder(.empty), config: config, environmentMasterKey: environmentMasterKey, logger: quietLogger) {
            try store.read { try StoreContents.load($0) }.policyParts(cipher: cipher, logger: quietLogger).parts
        }
    }

    @Test("config parts and stored parts merge; the database wins on the same name")
    func merge() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let store = try DatabaseArgument.open(directory.databasePath, logger: quietLogger)
        let cipher = try #require(CredentialCipher(secret: secretKey))
        let builder = builder(store, cipher: cipher)
        let operations = AdminOperations(
            storage: store, cipher: cipher, logger: quietLogger,
            staticTeamIDs: { builder.configTeamIDs }, didCommit: { try builder.rebuild() })

        // A key may name a team the config file defines.
        var request = KeyGenerateRequest(key: nil)
        request.teamID = "static-team"
        let generated = try operations.generateKey(request)
        _ = try operations.addCredential(CredentialNewRequest(name: "shared", values: ["api_key": "stored-value"]))

        let snapshot = builder.holder.snapshot
        #expect(snapshot.catalog.deployments.map(\.groupName) == ["claude"])
        #expect(snapshot.keys[KeyHash(hashing: "sk-static")]?.alias == "static")
        #expect(snapshot.keys[generated.stored.hash]?.teamID == "static-team")
        #expect(snapshot.teams["static-team"]?.models == ["claude"])
        #expect(snapshot.credentials["shared"]?.apiKey?.reveal == "stored-value")
    }

    @Test("a stored credential that cannot be decrypted stays unavailable and hides the config one of the same name")
    func undecryptableStoredCredentialStaysUnavailable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let store = try DatabaseArgument.open(directory.databasePath, logger: quietLogger)
        let cipher = try #require(CredentialCipher(secret: secretKey))
        let writer = AdminOperations(storage: store, cipher: cipher, logger: quietLogger)
        _ = try writer.addCredential(CredentialNewRequest(name: "shared", values: ["api_key": "stored-value"]))
        _ = try writer.addCredential(CredentialNewRequest(name: "only-stored", values: ["api_key": "x"]))

        for otherCipher in [nil, CredentialCipher(secret: "another secret")] {
            let builder = builder(store, cipher: otherCipher)
            try builder.rebuild()
            let credentials = builder.holder.snapshot.credentials
            for name in ["shared", "only-stored"] {
                let credential = try #require(credentials[name])
                #expect(credential.apiKey == nil)
                #expect(credential.unavailableReason?.contains("MODELGATE_SECRET_KEY") == true)
            }
        }
    }

    @Test("MODELGATE_MASTER_KEY wins over general_settings.master_key; a reload can change the latter")
    func masterKeySources() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let store = try DatabaseArgument.open(directory.databasePath, logger: quietLogger)
        #expect(builder(store, cipher: nil, environmentMasterKey: "sk-env").masterKey == "sk-env")
        #expect(builder(store, cipher: nil, environmentMasterKey: "").masterKey == "sk-config-master")
        let fromConfig = builder(store, cipher: nil)
        #expect(fromConfig.masterKey == "sk-config-master")
        try fromConfig.replaceConfig(Self.config(masterKey: nil))
        #expect(fromConfig.masterKey == nil)
        #expect(builder(store, cipher: nil, config: GatewayConfig()).masterKey == nil)
    }

    @Test("a reload swaps the config and keeps stored objects")
    func reloadKeepsStoredObjects() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let store = try DatabaseArgument.open(directory.databasePath, logger: quietLogger)
        let builder = builder(store, cipher: nil)
        let operations = AdminOperations(storage: store, cipher: nil, logger: quietLogger, didCommit: { try builder.rebuild() })
        let generated = try operations.generateKey(KeyGenerateRequest(key: nil))
        let generation = builder.holder.snapshot.generation

        try builder.replaceConfig(GatewayConfig())
        let snapshot = builder.holder.snapshot
        #expect(snapshot.generation == generation + 1)
        #expect(snapshot.catalog.deployments.isEmpty)
        #expect(snapshot.keys[KeyHash(hashing: "sk-static")] == nil)
        #expect(snapshot.keys[generated.stored.hash] != nil)
        #expect(builder.configTeamIDs.isEmpty)
    }
}
