/// The decision as the JSON document of `POST /v1/decision` and `modelgate check`.
extension Decision {
    /// Credential values always read `***` here; only `/check` and gRPC carry real values.
    public var document: String {
        let modelEntries = models.map { model in
            JSONText.object([
                ("id", JSONText.quoted(model.id)),
                ("source", JSONText.quoted(model.source.rawValue)),
                ("model_group", JSONText.quotedOrNull(model.modelGroup)),
            ])
        }
        let upstream = allow
            ? JSONText.object(upstreamHeaders(revealingSecrets: false).map { ($0.name, JSONText.quoted($0.value)) })
            : "{}"
        return JSONText.object([
            ("allow", allow ? "true" : "false"),
            ("status", String(status)),
            ("reason", JSONText.quotedOrNull(reason?.rawValue)),
            ("message", JSONText.quoted(message)),
            ("models", JSONText.array(modelEntries)),
            ("model_group", JSONText.quotedOrNull(modelGroup)),
            ("model_id", JSONText.quotedOrNull(modelID)),
            ("provider", JSONText.quotedOrNull(provider)),
            ("key_alias", JSONText.quotedOrNull(keyAlias)),
            ("team_id", JSONText.quotedOrNull(teamID)),
            ("user_id", JSONText.quotedOrNull(userID)),
            ("route", JSONText.quotedOrNull(routeShape)),
            ("upstream_headers", upstream),
            ("remove_headers", JSONText.array(removeHeaders.map(JSONText.quoted))),
            ("remove_query_parameters", JSONText.array(removeQueryParameters.map(JSONText.quoted))),
        ])
    }
}
