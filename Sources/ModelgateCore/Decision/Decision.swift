/// The engine's answer for one request: allow with what to inject, or deny with a reason.
public struct Decision: Sendable {
    public var allow: Bool
    /// 200 on allow, else the deny reason's status.
    public var status: Int
    public var reason: DenyReason?
    /// Human-readable, never holds a key or secret, at most 1 KiB.
    ///
    /// An allow's message is written only when read: `/check` and gRPC never send it on allow
    /// and allows are logged without it, so building it (interpolation, redaction, the cut) on
    /// every check was a sixth of a path-routed decision's instructions.
    public var message: String {
        get { text.rendered }
        set { text = .literal(newValue) }
    }
    var text: DecisionText
    /// `"model"` when the denial is about a model, else nil (OpenAI error shape).
    public var param: String?
    public var models: [NamedModel]
    public var modelGroup: String?
    /// Provider-native id of the chosen deployment, so a proxy can route on it.
    public var modelID: String?
    public var provider: String?
    public var keyAlias: String?
    public var teamID: String?
    public var userID: String?
    /// The recognised route shape, for logs and metrics (e.g. `bedrock`, `openai`).
    public var routeShape: String?
    /// Provider credential to put on the upstream request.
    public var credential: InjectedCredential?
    /// Client credential headers that must not reach upstream and are not being injected.
    public var removeHeaders: [String]
    /// Query parameters to strip (a virtual key sent as `?key=`).
    public var removeQueryParameters: [String]

    public init(
        allow: Bool, status: Int, reason: DenyReason? = nil, message: String, param: String? = nil,
        models: [NamedModel] = [], modelGroup: String? = nil, modelID: String? = nil,
        provider: String? = nil, keyAlias: String? = nil, teamID: String? = nil,
        userID: String? = nil, routeShape: String? = nil, credential: InjectedCredential? = nil,
        removeHeaders: [String] = [], removeQueryParameters: [String] = []
    ) {
        self.init(
            allow: allow, status: status, reason: reason, text: .literal(message), param: param, models: models,
            modelGroup: modelGroup, modelID: modelID, provider: provider, keyAlias: keyAlias, teamID: teamID,
            userID: userID, routeShape: routeShape, credential: credential, removeHeaders: removeHeaders,
            removeQueryParameters: removeQueryParameters)
    }

    /// Every field given; the allow path builds its decision in one go through this, since
    /// setting a field of a finished `Decision` copied all seventeen of them.
    init(
        allow: Bool, status: Int, reason: DenyReason?, text: DecisionText, param: String?,
        models: [NamedModel], modelGroup: String?, modelID: String?,
        provider: String?, keyAlias: String?, teamID: String?,
        userID: String?, routeShape: String?, credential: InjectedCredential?,
        removeHeaders: [String], removeQueryParameters: [String]
    ) {
        self.allow = allow
        self.status = status
        self.reason = reason
        self.text = text
        self.param = param
        self.models = models
        self.modelGroup = modelGroup
        self.modelID = modelID
        self.provider = provider
        self.keyAlias = keyAlias
        self.teamID = teamID
        self.userID = userID
        self.routeShape = routeShape
        self.credential = credential
        self.removeHeaders = removeHeaders
        self.removeQueryParameters = removeQueryParameters
    }

    /// A denial with the reason's status.
    public static func deny(_ reason: DenyReason, _ message: String, param: String? = nil) -> Decision {
        Decision(allow: false, status: reason.httpStatus, reason: reason, message: message, param: param)
    }
}

/// A decision's message, as given or as the parts of an allow's message.
enum DecisionText: Sendable {
    case literal(String)
    /// "allowed: 'model' → model group 'group' via provider", with what the request presented
    /// redacted and the result cut to `DecisionEngine.maximumMessageBytes`.
    case allowed(model: String, group: String, provider: String, presented: PresentedCredentials)

    var rendered: String {
        switch self {
        case .literal(let message): return message
        case .allowed(let model, let group, let provider, let presented):
            return DecisionEngine.bounded(presented.redacting("allowed: '\(model)' → model group '\(group)' via \(provider)"))
        }
    }
}

/// A provider credential placed on the upstream request.
public struct InjectedCredential: Sendable {
    /// Lower-case header name (`authorization`, `api-key`, `x-api-key`, `x-goog-api-key`).
    public var headerName: String
    /// The full header value, e.g. `Bearer …`.
    public var headerValue: Secret

    public init(headerName: String, headerValue: Secret) {
        self.headerName = headerName
        self.headerValue = headerValue
    }
}
