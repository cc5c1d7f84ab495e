/// Finds the virtual key and the team and user behind it. Key problems are 401 and win over
/// every other reason.
enum KeyStage {
    static func run(_ context: inout CheckContext) -> Decision? {
        let target = context.request.rawTarget
        var queryKey: String?
        // Delimiters are found as bytes, the way CanonicalPath, proxies and upstreams find them
        // (a Character search would also be far slower, and miss a `?` followed by a combining mark).
        if let questionMark = target.utf8Offset(of: UInt8(ascii: "?")) {
            let fragment = target.utf8Offset(of: UInt8(ascii: "#"), from: questionMark + 1) ?? target.utf8.count
            let rawQuery = target[target.utf8Index(at: questionMark + 1)..<target.utf8Index(at: fragment)]
            context.query = QueryParameters.parse(rawQuery)
            switch context.query! {
            case .success(let query): queryKey = query["key"]
            case .failure(let problem):
                // The query cannot be read, so neither can a `?key=` in it: only a header key counts,
                // and the path stage denies the query afterwards.
                if KeyExtractor.presentedKey(headers: context.request.headers, queryKey: nil) == .missing {
                    return context.deny(.ambiguousPath, "the request target is ambiguous: \(problem)")
                }
            }
        }
        context.queryHadKey = queryKey != nil

        let raw: Substring
        switch KeyExtractor.presentedKeySlice(headers: context.request.headers, queryKey: queryKey) {
        case .missing:
            return context.deny(.missingKey, "no API key: send it as 'Authorization: Bearer <key>', x-api-key, api-key, x-goog-api-key or ?key=")
        case .ambiguous:
            return context.deny(.ambiguousCredentials, "the request carries two different API keys")
        case .key(let value):
            raw = value
        }
        // Read through `context.key` rather than bound to a local: a `VirtualKey` holds seven
        // references, and a second copy of it cost their retains and releases on every check.
        context.key = context.snapshot.keys[KeyHash(hashing: raw)]
        guard context.key != nil else {
            return context.deny(.invalidKey, "the API key is not valid")
        }
        if context.key!.blocked {
            return context.deny(.keyBlocked, "the API key is blocked")
        }
        if let expires = context.key!.expires, expires <= context.now {
            return context.deny(.keyExpired, "the API key has expired")
        }
        if let teamID = context.key!.teamID {
            context.team = context.snapshot.teams[teamID]
            if context.team?.blocked == true {
                return context.deny(.keyBlocked, "the key's team '\(teamID)' is blocked")
            }
        }
        if let userID = context.key!.userID {
            context.user = context.snapshot.users[userID]
        }
        return nil
    }
}
