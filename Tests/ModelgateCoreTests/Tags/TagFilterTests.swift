@testable import ModelgateCore
import Testing

/// LiteLLM's tag filtering as an access rule (CONTRACT §6), and where a request's tags come from.
@Suite("Tag filter")
struct TagFilterTests {
    static func catalog(_ tags: [[String]]) -> ModelCatalog {
        ModelCatalog(deployments: tags.enumerated().map { index, tags in
            Deployment(groupName: "g", provider: .openai, modelID: "m\(index)", litellmModel: "openai/m\(index)", tags: tags)
        })
    }

    @Test func aTaggedRequestReachesOnlyDeploymentsSharingATag() {
        let catalog = Self.catalog([["a"], ["b", "default"], [], ["a", "c"]])
        #expect(TagFilter.reachable([0, 1, 2, 3], tags: ["a"], in: catalog) == [0, 3])
        #expect(TagFilter.reachable([0, 1, 2, 3], tags: ["c", "zzz"], in: catalog) == [3])
    }

    @Test func aTaggedRequestMatchingNoneFallsBackToDefault() {
        #expect(TagFilter.reachable([0, 1, 2], tags: ["zzz"], in: Self.catalog([["a"], ["default"], []])) == [1])
        // Untagged deployments are never reachable by a tagged request.
        #expect(TagFilter.reachable([0, 1], tags: ["zzz"], in: Self.catalog([["a"], []])) == [])
    }

    @Test func anUntaggedRequestReachesDefaultOrEverything() {
        #expect(TagFilter.reachable([0, 1, 2], tags: [], in: Self.catalog([["a"], ["default"], []])) == [1])
        #expect(TagFilter.reachable([0, 1, 2], tags: [], in: Self.catalog([["a"], ["b"], []])) == [0, 1, 2])
    }

    @Test func onlyTheCandidatesCountAndTheirOrderIsKept() {
        let catalog = Self.catalog([["a"], ["a"], ["a"]])
        #expect(TagFilter.reachable([2, 0], tags: ["a"], in: catalog) == [2, 0])
        #expect(TagFilter.reachable([], tags: ["a"], in: catalog) == [])
    }

    @Test func requestTagsAreTheClientsKeysAndTeamsOnly() {
        var headers = HeaderFields()
        headers.add(name: "x-litellm-tags", value: " a , b,,")
        headers.add(name: "X-LiteLLM-Tags", value: "c")
        let key = VirtualKey(hash: KeyHash(hashing: "sk-tags"), tags: ["k"])
        let team = Team(id: "t", tags: ["t"])
        #expect(RequestTags.collect(headers: headers, body: ["d"], key: key, team: team) == ["a", "b", "c", "d", "k", "t"])
        #expect(RequestTags.collect(headers: HeaderFields(), body: [], key: nil, team: nil).isEmpty)
    }
}
