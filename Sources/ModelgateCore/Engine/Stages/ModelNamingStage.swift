/// Lists every model the request names: path, query, body or form `model`, `session.model`,
/// client-side fallbacks. The primary (the one the upstream serves) comes first.
enum ModelNamingStage {
    static func run(_ context: inout CheckContext) -> Decision? {
        guard let route = context.route, let path = context.path else { return nil }
        if let pathModel = route.pathModel {
            context.named.append(NamedModel(id: pathModel, source: route.pathModelSource))
        }
        if let fields = route.bodyFields {
            if let denial = readBody(fields, route: route, path: path, into: &context) { return denial }
        }
        if context.named.isEmpty {
            return context.deny(.modelNotFound, "the request names no model", param: "model")
        }
        return nil
    }

    private static func readBody(_ fields: BodyModelFields, route: RecognizedRoute, path: CanonicalPath, into context: inout CheckContext) -> Decision? {
        // LiteLLM serves `?model=` over the body's, so it is the primary.
        if route.queryModel, let queryModel = path.query["model"] {
            context.named.append(NamedModel(id: queryModel, source: .query))
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
            if fields.topLevelModel, let model = facts.model { context.named.append(NamedModel(id: model, source: facts.modelSource)) }
            if fields.sessionModel, let model = facts.body.sessionModel { context.named.append(NamedModel(id: model, source: .session)) }
            if fields.fallbacks {
                context.named += facts.body.fallbacks.map { NamedModel(id: $0, source: .fallback) }
            }
            context.bodyTags = facts.body.tags
        } catch {
            return context.deny(.malformedBody, "the body cannot be read one way only: \(error)")
        }
        return nil
    }
}

/// Picks the scanner by content type: multipart and urlencoded forms, else JSON.
enum BodyReader {
    struct Facts {
        var body: BodyFacts
        var model: String? { body.model }
        var modelSource: ModelSource
    }

    static func read(_ bytes: [UInt8], contentType: String?) throws(BodyProblem) -> Facts {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("multipart/") {
            guard let boundary = MultipartScanner.boundary(fromContentType: contentType ?? "") else {
                throw BodyProblem("a multipart body without a boundary")
            }
            return Facts(body: BodyFacts(model: try MultipartScanner.modelField(in: bytes, boundary: boundary)), modelSource: .form)
        }
        if type.hasPrefix("application/x-www-form-urlencoded") {
            return Facts(body: BodyFacts(model: try FormURLEncodedScanner.modelField(in: bytes)), modelSource: .form)
        }
        return Facts(body: try JSONBodyScanner.scan(bytes), modelSource: .body)
    }
}
