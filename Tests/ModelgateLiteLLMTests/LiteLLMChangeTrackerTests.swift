import Foundation
import ModelgateCore
import Testing

@testable import ModelgateLiteLLM

@Suite struct LiteLLMChangeTrackerTests {
    static let mapper = LiteLLMPolicyMapper(cipher: nil, environment: [:])
    static func token(_ key: String) -> String { KeyHash(hashing: key).hex }
    static func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    static func tracker() -> LiteLLMChangeTracker {
        LiteLLMChangeTracker(mapper: mapper, loaded: LiteLLMContents(
            keys: [
                LiteLLMKeyRow(token: token("sk-a"), keyAlias: "a", models: ["m"], updatedAt: at(100)),
                LiteLLMKeyRow(token: token("sk-b"), keyAlias: "b", updatedAt: at(90)),
            ],
            deprecatedKeys: [LiteLLMDeprecatedKeyRow(token: token("sk-a-old"), activeToken: token("sk-a"), revokeAt: at(1000))],
            teams: [LiteLLMTeamRow(teamID: "t", updatedAt: at(50))]))
    }

    @Test func watermarksFollowTheRows() {
        let tracker = Self.tracker()
        #expect(tracker.keysSeen == 100 && tracker.teamsSeen == 50)
    }

    @Test func aRegeneratedKeyAsksForTheTokenSet() {
        let tracker = Self.tracker()
        // A new key: created when updated.
        #expect(!tracker.needsTokenSet(for: [LiteLLMKeyRow(token: Self.token("sk-c"), updatedAt: Self.at(500), createdAt: Self.at(500))]))
        // A known key updated.
        #expect(!tracker.needsTokenSet(for: [LiteLLMKeyRow(token: Self.token("sk-a"), updatedAt: Self.at(500), createdAt: Self.at(1))]))
        // An old row under a token never seen: /key/regenerate moved it.
        #expect(tracker.needsTokenSet(for: [LiteLLMKeyRow(token: Self.token("sk-c"), updatedAt: Self.at(500), createdAt: Self.at(1))]))
    }

    @Test func aMembersListRemapsItsTeamOnly() {
        var tracker = Self.tracker()
        var poll = LiteLLMPoll()
        poll.rows.deprecatedKeys = [LiteLLMDeprecatedKeyRow(token: Self.token("sk-a-old"), activeToken: Self.token("sk-a"), revokeAt: Self.at(1000))]
        poll.teamMembers = [
            LiteLLMTeamMemberRow(userID: "u", teamID: "t", allowedModels: ["m"]),
            // A team not tracked (deleted, or not read yet) is not made up.
            LiteLLMTeamMemberRow(userID: "u", teamID: "gone", allowedModels: ["m"]),
        ]
        let delta = tracker.apply(poll)
        #expect(delta.teams.upserted.map(\.id) == ["t"] && delta.teams.upserted.first?.memberModels == ["u": ["m"]])
        #expect(delta.keys.upserted.isEmpty)
        // Read again unchanged, or not read (nil): nothing.
        #expect(tracker.apply(poll).isEmpty)
        poll.teamMembers = nil
        #expect(tracker.apply(poll).isEmpty)
        // Removed: the team is mapped again without it.
        poll.teamMembers = []
        #expect(tracker.apply(poll).teams.upserted.first?.memberModels == [:])
    }

    @Test func anUnchangedPollChangesNothing() {
        var tracker = Self.tracker()
        var poll = LiteLLMPoll()
        poll.rows.deprecatedKeys = [LiteLLMDeprecatedKeyRow(token: Self.token("sk-a-old"), activeToken: Self.token("sk-a"), revokeAt: Self.at(1000))]
        #expect(tracker.apply(poll).isEmpty)
    }

    @Test func anUpdatedActiveKeyCarriesItsRotatedKeyAlong() {
        var tracker = Self.tracker()
        var poll = LiteLLMPoll()
        poll.rows.keys = [LiteLLMKeyRow(token: Self.token("sk-a"), keyAlias: "a", models: ["n"], updatedAt: Self.at(200))]
        poll.rows.deprecatedKeys = [LiteLLMDeprecatedKeyRow(token: Self.token("sk-a-old"), activeToken: Self.token("sk-a"), revokeAt: Self.at(1000))]
        let delta = tracker.apply(poll)
        #expect(Set(delta.keys.upserted.map(\.hash)) == [KeyHash(hashing: "sk-a"), KeyHash(hashing: "sk-a-old")])
        #expect(delta.keys.upserted.allSatisfy { $0.models == ["n"] })
        #expect(tracker.keysSeen == 200)
    }

    @Test func deletionsFromArchivesFromTheTokenSetAndFromTheRotationTable() {
        var tracker = Self.tracker()
        var poll = LiteLLMPoll()
        poll.deletedKeyTokens = [Self.token("sk-b")]
        poll.deletedTeamIDs = ["t", "never-seen"]
        var delta = tracker.apply(poll)
        // The rotation row left the table (revoked), sk-b was archived.
        #expect(Set(delta.keys.deleted) == [KeyHash(hashing: "sk-b"), KeyHash(hashing: "sk-a-old")])
        #expect(delta.teams.deleted == ["t"])

        poll = LiteLLMPoll()
        poll.allTokens = []
        delta = tracker.apply(poll)
        #expect(delta.keys.deleted == [KeyHash(hashing: "sk-a")])
        #expect(tracker.apply(poll).isEmpty)
    }

    @Test func aDamagedRowIsADeleteAndAProblem() {
        var tracker = Self.tracker()
        var poll = LiteLLMPoll()
        poll.rows.keys = [LiteLLMKeyRow(token: Self.token("sk-a"), keyAlias: "a", metadata: "not json", updatedAt: Self.at(300))]
        poll.rows.deprecatedKeys = [LiteLLMDeprecatedKeyRow(token: Self.token("sk-a-old"), activeToken: Self.token("sk-a"), revokeAt: Self.at(1000))]
        let delta = tracker.apply(poll)
        #expect(delta.keys.deleted.contains(KeyHash(hashing: "sk-a")))
        #expect(delta.keys.deleted.contains(KeyHash(hashing: "sk-a-old")))
        #expect(delta.problems.count >= 1)
    }

    @Test func modelsAndCredentialsAreComparedWhole() {
        var tracker = Self.tracker()
        var poll = LiteLLMPoll()
        poll.rows.deprecatedKeys = [LiteLLMDeprecatedKeyRow(token: Self.token("sk-a-old"), activeToken: Self.token("sk-a"), revokeAt: Self.at(1000))]
        poll.rows.models = [LiteLLMModelRow(modelID: "m", modelName: "g", litellmParams: #"{"model":"x"}"#)]
        poll.rows.credentials = [LiteLLMCredentialRow(credentialName: "c", credentialValues: #"{"api_key":"x"}"#)]
        var delta = tracker.apply(poll)
        #expect(delta.deployments?.count == 1)
        #expect(delta.credentials.upserted.map(\.name) == ["c"])
        poll.rows.models = []
        poll.rows.credentials = []
        delta = tracker.apply(poll)
        #expect(delta.deployments?.isEmpty == true)
        #expect(delta.credentials.deleted == ["c"])
    }

    @Test func reconciliationRemovesWhatWasDeletedByHand() {
        var tracker = LiteLLMChangeTracker(mapper: Self.mapper, loaded: LiteLLMContents(
            keys: [LiteLLMKeyRow(token: Self.token("sk-a"), updatedAt: Self.at(1)), LiteLLMKeyRow(token: Self.token("sk-b"), updatedAt: Self.at(1))],
            teams: [LiteLLMTeamRow(teamID: "t")], users: [LiteLLMUserRow(userID: "u", models: ["m"])]))
        let delta = tracker.reconcile(LiteLLMContents(keys: [LiteLLMKeyRow(token: Self.token("sk-a"), updatedAt: Self.at(1))]))
        #expect(delta.keys.deleted == [KeyHash(hashing: "sk-b")])
        #expect(delta.teams.deleted == ["t"])
        #expect(delta.users.deleted == ["u"])
        #expect(delta.keys.upserted.isEmpty)
        #expect(tracker.reconcile(LiteLLMContents(keys: [LiteLLMKeyRow(token: Self.token("sk-a"), updatedAt: Self.at(1))])).isEmpty)
    }
}

