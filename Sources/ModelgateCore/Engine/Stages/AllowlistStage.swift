/// Applies the key, team and user allowlists to every named model (the team's includes the key's
/// user's own list within the team, when it has one). A model is allowed when any group that
/// can serve it passes all three; when a model passes none, the earliest failing
/// level (key, then team, then user) across all models names the denial.
enum AllowlistStage {
    static func run(_ context: inout CheckContext) -> Decision? {
        let catalog = context.snapshot.catalog
        var worst: (level: AccessLevel, model: NamedModel)?
        for index in context.resolutions.indices {
            let matches = context.resolutions[index].matches
            // Usually every match passes: then `matches` itself is the allowed list, no new array.
            var allowed: [GroupMatch]?
            var firstFailure: AccessLevel?
            for (position, match) in matches.enumerated() {
                if let level = failingLevel(match, context: context, catalog: catalog) {
                    firstFailure = firstFailure ?? level
                    if allowed == nil { allowed = Array(matches[..<position]) }
                } else {
                    allowed?.append(match)
                }
            }
            let passing = allowed ?? matches
            if passing.isEmpty, let level = firstFailure, worst.map({ level < $0.level }) ?? true {
                worst = (level, context.named[index])
            }
            context.resolutions[index].allowed = passing
        }
        guard let (level, model) = worst else { return nil }
        return context.deny(level.denyReason, message(level, model: model, context: context), param: "model")
    }

    private static func failingLevel(_ match: GroupMatch, context: CheckContext, catalog: ModelCatalog) -> AccessLevel? {
        guard let key = context.key else { return .key }
        if !Allowlist.allows(key.models, match, in: catalog) { return .key }
        if key.teamID != nil {
            // A key bound to a team that no longer exists is closed, not unrestricted.
            guard let team = context.team, Allowlist.allows(team.models, match, in: catalog) else { return .team }
            if let scope = memberScope(context), !Allowlist.allows(scope, match, in: catalog) { return .team }
        }
        if let user = context.user, key.teamID == nil || context.snapshot.settings.userModelsApplyToTeamKeys,
           !Allowlist.allows(user.models, match, in: catalog) {
            return .user
        }
        return nil
    }

    /// The key's user's own allowlist within its team, when it has one.
    private static func memberScope(_ context: CheckContext) -> [String]? {
        guard let userID = context.key?.userID else { return nil }
        return context.team?.memberModels[userID]
    }

    private static func message(_ level: AccessLevel, model: NamedModel, context: CheckContext) -> String {
        let subject: String
        switch level {
        case .key: subject = "key '\(context.key?.alias ?? "unnamed")'"
        case .team:
            if context.team == nil {
                subject = "team '\(context.key?.teamID ?? "")' (not found)"
            } else if memberScope(context) != nil {
                subject = "team '\(context.team?.id ?? "")' (or its member '\(context.key?.userID ?? "")')"
            } else {
                subject = "team '\(context.team?.id ?? "")'"
            }
        case .user: subject = "user '\(context.user?.id ?? "")'"
        }
        return "\(subject) may not call model '\(model.id)' (\(model.source.rawValue))"
    }
}
