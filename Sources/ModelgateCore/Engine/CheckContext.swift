import struct Foundation.Date

/// What the catalog, allowlist and tag stages learn about one named model; one array of these
/// rather than one array per stage, so a check allocates one array for them, not three.
struct ModelResolution {
    /// CatalogStage: the groups that can serve the model.
    var matches: [GroupMatch]
    /// AllowlistStage: those every level allows.
    var allowed: [GroupMatch] = []
    /// TagStage: the chosen group and deployment.
    var chosen: (match: GroupMatch, deployment: Int)?
}

/// What the pipeline has learned about one request so far; each stage reads it and adds to it.
struct CheckContext {
    let request: CheckRequest
    let snapshot: PolicySnapshot
    let now: Date

    // KeyStage
    var key: VirtualKey?
    var team: Team?
    var user: User?
    var queryHadKey = false
    /// The query, parsed once (KeyStage) for every stage; nil without a `?`.
    var query: Result<QueryParameters, PathProblem>?
    // RouteStage
    var path: CanonicalPath?
    var route: RecognizedRoute?
    // ModelNamingStage: primary first.
    var named: [NamedModel] = []
    var bodyTags: [String] = []
    // CatalogStage, AllowlistStage, TagStage: one entry per `named`.
    var resolutions: [ModelResolution] = []

    init(request: CheckRequest, snapshot: PolicySnapshot, now: Date) {
        self.request = request
        self.snapshot = snapshot
        self.now = now
    }

    /// A denial carrying what is known of the caller, for the audit trail.
    func deny(_ reason: DenyReason, _ message: String, param: String? = nil) -> Decision {
        var decision = Decision.deny(reason, message, param: param)
        decision.keyAlias = key?.alias
        decision.teamID = key?.teamID
        decision.userID = key?.userID
        decision.routeShape = route?.endpoint
        decision.models = named
        return decision
    }

    /// Client credential headers present on the request, minus the one being injected.
    func credentialHeadersToRemove(keeping injected: String?) -> [String] {
        KeyExtractor.credentialHeaders.filter { name in
            name != injected && request.headers.first(name) != nil
        }
    }
}
