/// Header sets a front end puts on the wire for a decision (HTTP `/check` and gRPC alike).
extension Decision {
    /// Identity headers, always all present (empty when unknown) so they overwrite any
    /// client-sent copy. Never secret.
    public var identityHeaders: [(name: String, value: String)] {
        [
            ("x-modelgate-model-group", modelGroup ?? ""),
            ("x-modelgate-model-id", modelID ?? ""),
            ("x-modelgate-provider", provider ?? ""),
            ("x-modelgate-key-alias", keyAlias ?? ""),
            ("x-modelgate-team-id", teamID ?? ""),
            ("x-modelgate-user-id", userID ?? ""),
        ]
    }

    /// Headers to set on the upstream request on allow: identity headers, then the provider
    /// credential. With `revealingSecrets: false` the credential value reads `***`.
    public func upstreamHeaders(revealingSecrets: Bool) -> [(name: String, value: String)] {
        var headers = identityHeaders
        if let credential {
            headers.append((credential.headerName, revealingSecrets ? credential.headerValue.reveal : "***"))
        }
        return headers
    }

    /// The OpenAI-shaped error document of a denial.
    public var errorBody: String {
        let code = reason?.rawValue ?? "denied"
        return JSONText.object([
            ("error", JSONText.object([
                ("message", JSONText.quoted(message)),
                ("type", JSONText.quoted(code)),
                ("param", JSONText.quotedOrNull(param)),
                ("code", JSONText.quoted(String(status))),
            ])),
        ])
    }

    /// Headers of a denial: the reason code and the error document repeated (nginx drops
    /// auth response bodies, so a header is the only way the JSON reaches the client).
    public var denyHeaders: [(name: String, value: String)] {
        [
            ("x-modelgate-reason", reason?.rawValue ?? "denied"),
            ("x-modelgate-error", errorBody),
            ("content-type", "application/json"),
        ]
    }
}
