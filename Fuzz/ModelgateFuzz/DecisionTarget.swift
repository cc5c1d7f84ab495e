import Foundation
import ModelgateCore

/// The whole decision, `DecisionEngine.decide`, on a request split out of the input:
///
///     METHOD TARGET [SUITE]        ← SUITE picks the vector config (file-name prefix or index)
///     Header-Name: value           ← any number; `x-fuzz-body: incomplete|too-large` is not a
///                                    header but says how the body arrived
///     (empty line)
///     body bytes
///
/// Invariants: the decision is deterministic and well-formed; an allow has a path that
/// canonicalises and a route that is a model or modelless route, a key that is in the snapshot,
/// neither blocked nor expired, a model group for every named model that the key, its team and
/// its user may call, a body that arrived whole and unencoded when the route reads the body;
/// no decision message or header carries a provider secret the input did not hold.
enum DecisionTarget {
    static let target = FuzzTarget(name: "decision", prepare: { VectorSnapshots.load() }, run: run)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    struct Request {
        var check: CheckRequest
        var suite: Substring?
    }

    static func split(_ input: [UInt8]) -> Request? {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var bodyStart = input.count
        while start < input.count {
            let end = input[start...].firstIndex(of: 0x0A) ?? input.count
            var line = input[start..<end]
            if line.last == 0x0D { line = line.dropLast() }
            start = end + 1
            if line.isEmpty, !lines.isEmpty { bodyStart = min(start, input.count); break }
            lines.append(line)
        }
        guard let requestLine = lines.first else { return nil }
        let words = String(decoding: requestLine, as: UTF8.self).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count >= 2 else { return nil }
        var headers = HeaderFields()
        var body = RequestBody.complete(Array(input[bodyStart...]))
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            var value = String(decoding: line[(colon + 1)...], as: UTF8.self)
            if value.hasPrefix(" ") { value.removeFirst() }
            if name.lowercased() == "x-fuzz-body" {
                body = value == "incomplete" ? .incomplete : value == "too-large" ? .tooLarge : body
                continue
            }
            headers.add(name: name, value: value)
        }
        return Request(
            check: CheckRequest(method: String(words[0]), rawTarget: String(words[1]), headers: headers, body: body),
            suite: words.count > 2 ? words[2] : nil)
    }

    static func run(_ input: [UInt8]) {
        guard let request = split(input) else { return }
        let entry = VectorSnapshots.entry(token: request.suite)
        let snapshot = entry.snapshot
        let decision = DecisionEngine.decide(request.check, in: snapshot, now: now)
        let again = DecisionEngine.decide(request.check, in: snapshot, now: now)
        Invariant.check(
            decision.allow == again.allow && decision.reason == again.reason && decision.modelGroup == again.modelGroup
                && decision.message == again.message,
            "two decisions of one request differ", input: input)
        wellFormed(decision, input: input)
        noSecretLeaks(decision, secrets: entry.secrets, input: input)
        if decision.allow { allowIsJustified(decision, request: request.check, snapshot: snapshot, input: input) }
    }

    static func wellFormed(_ decision: Decision, input: [UInt8]) {
        if decision.allow {
            Invariant.check(decision.status == 200 && decision.reason == nil, "an allow with status \(decision.status)", input: input)
        } else {
            Invariant.check(
                decision.reason.map { $0.httpStatus == decision.status } ?? false,
                "a denial with status \(decision.status) and reason \(String(describing: decision.reason))", input: input)
            Invariant.check(decision.credential == nil, "a denial carries a credential", input: input)
        }
    }

    /// No provider secret in what a client, a log or a metric may see, unless the input itself
    /// carried it (then it is the client's own text echoed, e.g. as a model name).
    static func noSecretLeaks(_ decision: Decision, secrets: [String], input: [UInt8]) {
        let visible = [decision.message, decision.errorBody]
            + decision.identityHeaders.map(\.value) + decision.upstreamHeaders(revealingSecrets: false).map(\.value)
            + decision.denyHeaders.map(\.value)
        let text = visible.joined(separator: "\n")
        for secret in secrets where text.contains(secret) {
            Invariant.check(
                input.firstRange(of: Array(secret.utf8)) != nil,
                "a provider secret appears in the decision's visible text", input: input)
        }
    }

    static func allowIsJustified(_ decision: Decision, request: CheckRequest, snapshot: PolicySnapshot, input: [UInt8]) {
        guard case .success(let path) = CanonicalPath.parse(request.rawTarget) else {
            Invariant.fail("allowed a path that does not canonicalise", input: input)
        }
        guard case .success(let match) = RouteTable.match(path, method: request.method, in: snapshot) else {
            Invariant.fail("allowed a path whose route is ambiguous", input: input)
        }
        let key = presentedKey(request, snapshot: snapshot, input: input)
        let team = key.teamID.flatMap { snapshot.teams[$0] }
        Invariant.check(team?.blocked != true, "allowed a key whose team is blocked", input: input)
        switch match {
        case .unknown:
            Invariant.fail("allowed an unknown route", input: input)
        case .modelless:
            Invariant.check(decision.modelGroup == nil && decision.credential == nil, "a modelless allow names a model group or credential", input: input)
        case .model(let route):
            modelsAreAllowed(decision, route: route, key: key, team: team, snapshot: snapshot, input: input)
            bodyWasRead(decision, request: request, route: route, path: path, snapshot: snapshot, input: input)
        }
    }

    /// The allowed key is the one presented, and it is live.
    static func presentedKey(_ request: CheckRequest, snapshot: PolicySnapshot, input: [UInt8]) -> VirtualKey {
        var queryKey: String?
        if case .success(let path) = CanonicalPath.parse(request.rawTarget) { queryKey = path.query["key"] }
        guard case .key(let raw) = KeyExtractor.presentedKey(headers: request.headers, queryKey: queryKey) else {
            Invariant.fail("allowed without exactly one presented key", input: input)
        }
        guard let key = snapshot.keys[KeyHash(hashing: raw)] else {
            Invariant.fail("allowed a key that is not in the snapshot", input: input)
        }
        Invariant.check(!key.blocked, "allowed a blocked key", input: input)
        Invariant.check(key.expires.map { $0 > now } ?? true, "allowed an expired key", input: input)
        return key
    }

    /// Every named model resolves to the group the decision says, and key, team and user allow it.
    static func modelsAreAllowed(
        _ decision: Decision, route: RecognizedRoute, key: VirtualKey, team: Team?, snapshot: PolicySnapshot, input: [UInt8]
    ) {
        Invariant.check(!decision.models.isEmpty, "a model route allowed with no named model", input: input)
        Invariant.check(
            decision.modelGroup != nil && decision.modelGroup == decision.models.first?.modelGroup,
            "the decision's model group is not the primary model's", input: input)
        let user = key.userID.flatMap { snapshot.users[$0] }
        for model in decision.models {
            guard let group = model.modelGroup else {
                Invariant.fail("allowed model '\(model.id)' without a model group", input: input)
            }
            let matches = snapshot.catalog.resolve(model.id, provider: route.provider, publisher: route.publisher)
            guard let match = matches.first(where: { $0.group == group }) else {
                Invariant.fail("model '\(model.id)' does not resolve to its group '\(group)'", input: input)
            }
            Invariant.check(Allowlist.allows(key.models, match, in: snapshot.catalog), "the key may not call '\(group)'", input: input)
            if key.teamID != nil {
                Invariant.check(
                    team.map { Allowlist.allows($0.models, match, in: snapshot.catalog) } ?? false,
                    "the team may not call '\(group)'", input: input)
            }
            if let user {
                Invariant.check(Allowlist.allows(user.models, match, in: snapshot.catalog), "the user may not call '\(group)'", input: input)
            }
        }
    }

    /// On a route that reads its models from the body, the body arrived whole, small enough,
    /// not content-encoded, and the models it names were all checked.
    static func bodyWasRead(
        _ decision: Decision, request: CheckRequest, route: RecognizedRoute, path: CanonicalPath, snapshot: PolicySnapshot,
        input: [UInt8]
    ) {
        guard let fields = route.bodyFields else { return }
        guard case .complete(let body) = request.body else {
            Invariant.fail("allowed a body route whose body was \(request.body)", input: input)
        }
        Invariant.check(body.count <= snapshot.settings.maxBodyBytes, "allowed an oversized body", input: input)
        let names = Set(decision.models.map(\.id))
        if route.queryModel, let queryModel = path.query["model"] {
            Invariant.check(names.contains(queryModel), "the query model was not checked", input: input)
        }
        guard !body.isEmpty else { return }
        let encodings = request.headers.all("content-encoding").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        Invariant.check(
            encodings.allSatisfy { $0 == "identity" || $0.isEmpty },
            "allowed a body route whose body is content-encoded (\(encodings)): the scanner read the compressed bytes", input: input)
        let contentType = request.headers.first("content-type")?.lowercased() ?? ""
        guard !contentType.hasPrefix("multipart/"), !contentType.hasPrefix("application/x-www-form-urlencoded") else { return }
        guard let facts = try? JSONBodyScanner.scan(body) else {
            Invariant.fail("allowed a body route whose JSON body the scanner rejects", input: input)
        }
        if fields.topLevelModel, let model = facts.model {
            Invariant.check(names.contains(model), "the body model was not checked", input: input)
        }
        if fields.sessionModel, let model = facts.sessionModel {
            Invariant.check(names.contains(model), "session.model was not checked", input: input)
        }
        if fields.fallbacks {
            Invariant.check(facts.fallbacks.allSatisfy(names.contains), "a fallback was not checked", input: input)
        }
    }
}
