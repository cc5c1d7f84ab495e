/// The last check before a front writes a decision's headers (HTTP `/check` and gRPC alike).
extension Decision {
    /// This decision, or a denial when an allow would emit a header value holding a control
    /// character (CR/LF would split the header on the wire or in Envoy). Strings are refused
    /// where they enter (request model names, admin input, config values), so this catches
    /// what slipped past: it fails closed instead of emitting a broken header.
    ///
    /// Denials need no check: their header values are a reason code and an ASCII JSON document
    /// with every control character escaped.
    public var checkedForEmission: Decision {
        guard allow else { return self }
        for header in identityHeaders where ControlCharacters.contains(header.value) {
            return refused(.malformedBody, "the value of \(header.name) would hold a control character", param: header.name == "x-modelgate-model-id" ? "model" : nil)
        }
        if let credential, ControlCharacters.contains(credential.headerValue.reveal) {
            return refused(.credentialUnavailable, "the provider credential for \(credential.headerName) holds a control character", param: nil)
        }
        return self
    }

    /// A denial keeping who asked (alias, team, user) for the audit trail.
    private func refused(_ reason: DenyReason, _ message: String, param: String?) -> Decision {
        var denial = Decision.deny(reason, message, param: param)
        denial.routeShape = routeShape
        denial.keyAlias = ControlCharacters.contains(keyAlias ?? "") ? nil : keyAlias
        denial.teamID = ControlCharacters.contains(teamID ?? "") ? nil : teamID
        denial.userID = ControlCharacters.contains(userID ?? "") ? nil : userID
        return denial
    }
}
