/// Lists every model the request names: path, query, body or form `model`, `session.model`,
/// client-side fallbacks and the other fields of `BodyModelFields`. The primary (the one the
/// upstream serves) comes first. A forbidden parameter denies after every `malformed_body`
/// reason and before `model_not_found` (CONTRACT §3).
enum ModelNamingStage {
    static func run(_ context: inout CheckContext) -> Decision? {
        guard let route = context.route, let path = context.path else { return nil }
        if let pathModel = route.pathModel {
            context.named.append(NamedModel(id: pathModel, source: route.pathModelSource))
        }
        var forbidden: String?
        if let fields = route.bodyFields {
            if let denial = readBody(fields, route: route, path: path, into: &context, forbidden: &forbidden) { return denial }
        }
        if let denial = context.refuseControlCharactersInNamedModels() { return denial }
        if let forbidden {
            return context.deny(.forbiddenParameter, "the request sets '\(forbidden)', which would re-route or re-credential the upstream call")
        }
        if context.named.isEmpty {
            return context.deny(.modelNotFound, "the request names no model", param: "model")
        }
        return nil
    }

    private static func readBody(
        _ fields: BodyModelFields, route: RecognizedRoute, path: CanonicalPath, into context: inout CheckContext, forbidden: inout String?
    ) -> Decision? {
        // LiteLLM serves `?model=` over the body's, so it is the primary.
        if route.queryModel, let queryModel = path.query["model"] {
            context.named.append(NamedModel(id: queryModel, source: .query))
        }
        if fields.targetModelNames {
            if let names = path.query["target_model_names"] {
                context.named += FormFields.commaSeparated(names).map { NamedModel(id: $0, source: .targetModelNames) }
            }
            // LiteLLM's model-based routing for files and batches also reads this header.
            for value in context.request.headers.all("x-litellm-model") where !value.isEmpty {
                context.named.append(NamedModel(id: value, source: .header))
            }
        }
        let bytes: [UInt8]
        switch context.request.body {
        case .tooLarge:
            return context.deny(.bodyTooLarge, "the body is larger than \(context.snapshot.settings.maxBodyBytes) bytes")
        case .incomplete:
            return context.deny(.bodyIncomplete, "the body reached modelgate incomplete, and the model is named in it")
        case .complete(let body):
            if body.count > context.snapshot.settings.maxBodyBytes {
                return context.deny(.bodyTooLarge, "the body is larger than \(context.snapshot.settings.maxBodyBytes) bytes")
            }
            bytes = body
        }
        if bytes.isEmpty {
            // No body reached modelgate (a proxy that forwards none, a chunked request with no
            // length): the upstream may still get one, so a POST (any method but GET and HEAD)
            // is denied whatever the query says.
            let method = context.request.method
            guard method == "GET" || method == "HEAD" else {
                return context.deny(.bodyIncomplete, "a \(method.prefix(16)) on a route whose model is named in the body reached modelgate without its body; the proxy must forward the body")
            }
            return nil
        }
        // Every Content-Encoding header counts: a client may send `identity` first and `gzip` second.
        // Every coding of every Content-Encoding header counts (`identity, gzip` is a list, and
        // Envoy joins repeated headers with ','): the upstream decompresses and reads a model
        // modelgate never saw.
        for header in context.request.headers.all("content-encoding") {
            for coding in header.split(separator: ",") where coding.trimmingSpaces.lowercased() != "identity" {
                return context.deny(.malformedBody, "a '\(coding.trimmingSpaces.prefix(40))'-encoded body cannot be scanned for its model; send it uncompressed")
            }
        }
        do throws(BodyProblem) {
            let facts = try BodyReader.read(bytes, contentType: context.request.headers.contentType())
            let body = facts.body
            if fields.topLevelModel, let model = facts.model { context.named.append(NamedModel(id: model, source: facts.modelSource)) }
            if fields.sessionModel {
                if let model = body.sessionModel { context.named.append(NamedModel(id: model, source: .session)) }
                context.named += body.transcriptionModels.map { NamedModel(id: $0, source: .transcription) }
            }
            if fields.fallbacks { context.named += body.fallbacks.map { NamedModel(id: $0, source: .fallback) } }
            if fields.extraBody { context.named += body.extraBodyModels.map { NamedModel(id: $0, source: .extraBody) } }
            if fields.toolModels { context.named += body.toolModels.map { NamedModel(id: $0, source: .tool) } }
            if fields.targetModelNames {
                context.named += body.targetModelNames.map { NamedModel(id: $0, source: .targetModelNames) }
            }
            forbidden = body.forbiddenParameter
            context.bodyTags = facts.body.tags
        } catch {
            return context.deny(.malformedBody, "the body cannot be read one way only: \(error)")
        }
        return nil
    }
}

/// Picks the scanner by content type, as LiteLLM and Starlette pick theirs: LiteLLM reads any
/// `Content-Type` holding `form` as a form, and Starlette parses `multipart/form-data` and
/// `application/x-www-form-urlencoded` (any case); everything else is JSON. A content type on
/// which they disagree, a form content type read strictly (`HeaderParameters`) with a `charset`
/// other than UTF-8 or US-ASCII (Starlette decodes field names with it: `+AG0-odel` is `model`
/// in UTF-7), or a multipart boundary outside RFC 2046 is `malformed_body`.
enum BodyReader {
    struct Facts {
        var body: BodyFacts
        var model: String? { body.model }
        var modelSource: ModelSource
    }

    static func read(_ bytes: [UInt8], contentType: String?) throws(BodyProblem) -> Facts {
        let raw = contentType ?? ""
        let lower = raw.lowercased()
        guard lower.contains("form") || lower.hasPrefix("multipart/") else {
            return Facts(body: try JSONBodyScanner.scan(bytes), modelSource: .body)
        }
        let parsed = try HeaderParameters.parse(raw, mediaType: true)
        guard raw.contains("form") else {
            throw BodyProblem("a form Content-Type that LiteLLM does not read as a form (it looks for 'form' in lower case)")
        }
        if let charset = parsed["charset"], !["utf-8", "utf8", "us-ascii", "ascii"].contains(charset.lowercased()) {
            throw BodyProblem("a form body with charset '\(charset.prefix(40))'; only UTF-8 and US-ASCII are read one way")
        }
        switch parsed.value {
        case "multipart/form-data":
            guard let boundary = parsed["boundary"], MultipartScanner.isBoundary(Substring(boundary)) else {
                throw BodyProblem("a multipart body without a valid boundary")
            }
            return Facts(body: try MultipartScanner.scan(bytes, boundary: boundary), modelSource: .form)
        case "application/x-www-form-urlencoded":
            return Facts(body: try FormURLEncodedScanner.scan(bytes), modelSource: .form)
        default:
            throw BodyProblem("a Content-Type that LiteLLM reads as a form and Starlette does not")
        }
    }
}
