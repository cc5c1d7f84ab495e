/// Bedrock runtime: `/model/{modelId}/{invoke|invoke-with-response-stream|converse|converse-stream|count-tokens}`.
///
/// `{modelId}` is the raw segment up to the next literal `/`, percent-decoded exactly once, so
/// boto3's `arn%3Aaws%3A…%2Fabc` and AnthropicBedrock's `arn:aws:…%2Fabc` both read as the ARN,
/// and `%252F` stays `%2F`. A decoded `/` is allowed here only, between non-empty parts that are
/// not `.` or `..`.
enum BedrockRoutes: RouteRecognizer {
    static let families: Set<RouteFamily> = [.bedrock]

    static let actions: Set<String> = ["invoke", "invoke-with-response-stream", "converse", "converse-stream", "count-tokens"]

    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute? {
        guard segments.count == 3, segments[at: 0].decoded == "model", actions.contains(segments[at: 2].decoded) else {
            return nil
        }
        let modelID = segments[at: 1].decoded
        if segments[at: 1].hasEncodedSlash {
            let parts = modelID.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        }
        return RecognizedRoute(
            family: .bedrock, endpoint: "bedrock.\(segments[at: 2].decoded)", pathModel: modelID,
            slashAllowedSegment: 1)
    }
}
