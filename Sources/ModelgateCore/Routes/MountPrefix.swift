/// Passthrough mount prefixes (`/bedrock/model/…`, `/vertex_ai/v1/projects/…`).
///
/// A prefix named after a provider admits only that provider's route shapes, so a request
/// cannot name a model one way in the path while the mount sends it to an upstream that reads
/// another (`/openai/model/x/invoke`). A custom prefix (`/llm`) admits every shape.
enum MountPrefix {
    static func families(for prefix: [Substring]) -> RouteFamilies {
        switch prefix.last {
        case "bedrock": return [.bedrock]
        case "vertex_ai", "vertex-ai": return [.vertexAI]
        case "gemini": return [.googleAIStudio]
        case "azure": return [.azure]
        case "openai", "anthropic": return [.openAI, .anthropic]
        default: return .all
        }
    }

    /// The `/openai` and `/anthropic` passthroughs forward to the provider's real API, whose
    /// paths start with `/v1`; without it `/openai/realtime` would also read as Azure's own
    /// `/openai/realtime?deployment=` route.
    static func requiresVersion(_ families: RouteFamilies) -> Bool {
        families == [.openAI, .anthropic]
    }

    /// Whether `segments` start with `prefix`.
    static func strip(_ prefix: [Substring], from segments: ArraySlice<PathSegment>) -> ArraySlice<PathSegment>? {
        guard segments.count > prefix.count else { return nil }
        for (offset, name) in prefix.enumerated() where segments[at: offset].decoded != name {
            return nil
        }
        return segments.dropFirst(prefix.count)
    }
}
