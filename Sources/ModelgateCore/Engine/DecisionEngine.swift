import struct Foundation.Date

/// Runs one check through the pipeline: find the key → recognise the route and the models it
/// names → resolve them in the catalog → apply the allowlists → pick reachable deployments
/// (tags) → choose the credential. The first stage that denies ends the check, which gives the
/// reason precedence of CONTRACT §3.
public enum DecisionEngine {
    /// Decides `request` against `snapshot` as of `now` (key expiry). Pure: same inputs, same answer.
    public static func decide(_ request: CheckRequest, in snapshot: PolicySnapshot, now: Date) -> Decision {
        let decision = pipeline(request, in: snapshot, now: now)
        // Messages quote the path and model names; a client that put its key there would see it
        // logged. No message holds a credential value the request presented. (An allow's
        // message is redacted and cut when it is read; see `Decision.message`.)
        guard case .literal(let message) = decision.text else { return decision }
        var redacted = decision
        redacted.text = .literal(bounded(PresentedCredentials(request).redacting(message)))
        return redacted
    }

    /// The longest message a decision carries, in UTF-8 bytes.
    static let maximumMessageBytes = 1024

    /// A message quotes what the client sent (a model name, a path), which may be megabytes;
    /// the message travels in a response header and a log line, so it is cut, after redaction
    /// so that the cut cannot leave part of a credential behind.
    static func bounded(_ message: String) -> String {
        let bytes = message.utf8.count
        guard bytes > maximumMessageBytes else { return message }
        var end = message.utf8.index(message.utf8.startIndex, offsetBy: maximumMessageBytes - 64)
        while !message.unicodeScalars.indices.contains(end) { end = message.utf8.index(before: end) }
        return String(message[..<end]) + "… (message cut: \(bytes) bytes)"
    }

    private static func pipeline(_ request: CheckRequest, in snapshot: PolicySnapshot, now: Date) -> Decision {
        if snapshot.isStale(at: now) {
            return .deny(.policyStale, "the policy could not be brought up to date with its database for longer than max_policy_staleness_seconds")
        }
        var context = CheckContext(request: request, snapshot: snapshot, now: now)
        if let denial = KeyStage.run(&context) { return denial }
        if case .decided(let decision) = RouteStage.run(&context) { return decision }
        if let denial = ModelNamingStage.run(&context) { return denial }
        if let denial = CatalogStage.run(&context) { return denial }
        if let denial = AllowlistStage.run(&context) { return denial }
        if let denial = TagStage.run(&context) { return denial }
        return CredentialStage.run(&context)
    }
}
