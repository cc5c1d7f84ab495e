/// Bedrock runtime: `/model/{modelId}/{invoke|invoke-with-response-stream|converse|converse-stream|count-tokens}`.
///
/// `{modelId}` is the raw segment up to the next literal `/`, percent-decoded exactly once, so
/// boto3's `arn%3Aaws%3A…%2Fabc` and AnthropicBedrock's `arn:aws:…%2Fabc` both read as the ARN,
/// and `%252F` stays `%2F`. A decoded `/` is allowed here only, between non-empty parts that are
/// not `.` or `..`.
enum BedrockRoutes: RouteRecognizer {
    static let families: RouteFamilies = [.bedrock]

    static let actions: Set<String> = ["invoke", "invoke-with-response-stream", "converse", "converse-stream", "count-tokens"]
    /// Action → endpoint name (`bedrock.converse`), built once rather than per check.
    private static let endpoints = Dictionary(uniqueKeysWithValues: actions.map { ($0, "bedrock.\($0)") })

    static func recognize(_ segments: ArraySlice<PathSegment>, query: QueryParameters) -> RecognizedRoute? {
        guard segments.count == 3, segments[at: 0].decoded == "model", let endpoint = endpoints[segments[at: 2].decoded] else {
            return nil
        }
        let modelID = segments[at: 1].decoded
        if segments[at: 1].hasEncodedSlash, !hasOnlyProperParts(modelID) { return nil }
        return RecognizedRoute(
            family: .bedrock, endpoint: endpoint, pathModel: modelID,
            slashAllowedSegment: 1)
    }

    /// Whether every `/`-separated part of `id` is non-empty and not `.` or `..` (on bytes: the
    /// separator is the byte `/`, as the upstream splits it).
    private static func hasOnlyProperParts(_ id: String) -> Bool {
        var id = id
        return id.withUTF8 { bytes in
            var start = 0
            while true {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "/") { end += 1 }
                let part = bytes[start..<end]
                if part.isEmpty || (part.count <= 2 && part.allSatisfy { $0 == UInt8(ascii: ".") }) { return false }
                if end == bytes.count { return true }
                start = end + 1
            }
        }
    }
}
