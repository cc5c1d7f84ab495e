/// Resolves the provider credential for the primary model's chosen deployment and renders
/// the allow decision.
enum CredentialStage {
    static func run(_ context: inout CheckContext) -> Decision {
        guard let (match, index) = context.resolutions.first?.chosen else {
            return context.deny(.modelNotFound, "the request names no model", param: "model")
        }
        let deployment = context.snapshot.catalog.deployments[index]
        let credential: InjectedCredential?
        switch CredentialResolver.resolve(
            group: match.group, deployment: deployment, key: context.key, team: context.team,
            credentials: context.snapshot.credentials)
        {
        case .success(let resolved): credential = resolved
        case .failure(let problem):
            var denial = context.deny(.credentialUnavailable, "no usable credential for model group '\(match.group)': \(problem.message)")
            denial.modelGroup = match.group
            denial.provider = deployment.provider.rawValue
            return denial
        }
        let provider = deployment.provider.rawValue
        return Decision(
            allow: true, status: 200, reason: nil,
            text: .allowed(model: context.named[0].id, group: match.group, provider: provider, presented: PresentedCredentials(context.request)),
            param: nil, models: context.named, modelGroup: match.group, modelID: match.concreteID ?? deployment.modelID,
            provider: provider, keyAlias: context.key?.alias, teamID: context.key?.teamID,
            userID: context.key?.userID, routeShape: context.route?.endpoint, credential: credential,
            removeHeaders: context.credentialHeadersToRemove(keeping: credential?.headerName),
            removeQueryParameters: context.queryHadKey ? ["key"] : [])
    }
}
