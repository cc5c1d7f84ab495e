/// The tags a request carries for tag filtering: only the client's own (`x-litellm-tags`, body
/// `tags`, body `metadata.tags`) and the key's and team's `metadata.tags`. modelgate adds none,
/// so a router's observability tag (`Credential: …`) can never sway a decision.
public enum RequestTags {
    public static func collect(headers: HeaderFields, body: [String], key: VirtualKey?, team: Team?) -> Set<String> {
        var tags = Set<String>()
        for value in headers.all("x-litellm-tags") {
            for tag in value.split(separator: ",") {
                let trimmed = tag.trimmingSpaces
                if !trimmed.isEmpty { tags.insert(String(trimmed)) }
            }
        }
        tags.formUnion(body)
        if let key { tags.formUnion(key.tags) }
        if let team { tags.formUnion(team.tags) }
        return tags
    }
}
