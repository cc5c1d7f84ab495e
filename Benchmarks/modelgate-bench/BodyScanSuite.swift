import ModelgateCore

/// Body scanner throughput: `JSONBodyScanner.scan` (full RFC 8259 validation plus the model
/// fields) and `MultipartScanner.modelField`, over bodies of growing size.
enum BodyScanSuite {
    static func run(_ budget: Budget) throws -> Table {
        var table = Table("Body scan throughput", columns: ["body", "size", "throughput", "time per body", "allocs/body"])
        for size in [1_024, 100 * 1_024, 1_024 * 1_024, 10 * 1_024 * 1_024] {
            for modelFirst in [true, false] {
                let body = Bodies.chat(size: size, model: "gpt-4o", modelFirst: modelFirst)
                let facts = try JSONBodyScanner.scan(body)
                guard facts.model == "gpt-4o" else { throw BenchError("chat body of \(size) bytes: model not found") }
                let result = Measure.throughput(budget, bytes: body.count) {
                    blackHole(try? JSONBodyScanner.scan(body))
                }
                table.add(["JSON chat, `model` \(modelFirst ? "first" : "last")", Format.bytes(body.count),
                           Format.rate(result.bytesPerSecond), Format.micros(result.nanosPerPass), Format.allocations(result.allocations)])
            }
        }
        let prose = Bodies.prose(size: 1_024 * 1_024, model: "gpt-4o")
        guard try JSONBodyScanner.scan(prose).model == "gpt-4o" else { throw BenchError("prose body: model not found") }
        let proseResult = Measure.throughput(budget, bytes: prose.count) { blackHole(try? JSONBodyScanner.scan(prose)) }
        table.add(["JSON chat, plain prose (an escape per ~300 B)", Format.bytes(prose.count), Format.rate(proseResult.bytesPerSecond),
                   Format.micros(proseResult.nanosPerPass), Format.allocations(proseResult.allocations)])
        let tokens = Bodies.tokenIDs(size: 1_024 * 1_024, model: "text-embedding-3-small")
        guard try JSONBodyScanner.scan(tokens).model == "text-embedding-3-small" else { throw BenchError("token body: model not found") }
        let tokenResult = Measure.throughput(budget, bytes: tokens.count) { blackHole(try? JSONBodyScanner.scan(tokens)) }
        table.add(["JSON embeddings, token-id arrays", Format.bytes(tokens.count), Format.rate(tokenResult.bytesPerSecond),
                   Format.micros(tokenResult.nanosPerPass), Format.allocations(tokenResult.allocations)])

        let (multipart, contentType) = Bodies.multipart(size: 5 * 1_024 * 1_024, model: "whisper-1")
        guard let boundary = MultipartScanner.boundary(fromContentType: contentType),
              try MultipartScanner.modelField(in: multipart, boundary: boundary) == "whisper-1"
        else { throw BenchError("multipart body: model not found") }
        let multipartResult = Measure.throughput(budget, bytes: multipart.count) {
            blackHole(try? MultipartScanner.modelField(in: multipart, boundary: boundary))
        }
        table.add(["multipart audio upload, `model` after the file", Format.bytes(multipart.count),
                   Format.rate(multipartResult.bytesPerSecond), Format.micros(multipartResult.nanosPerPass),
                   Format.allocations(multipartResult.allocations)])
        try worstCaseForms(budget, into: &table)
        table.notes = [
            "Chat bodies are `messages` turns of ~2 KB mixing prose, code and French/Japanese text: an escape (`\\n`, `\\\"`) or a non-ASCII character every ~20 bytes on average, which is what the scanner stops at; the plain-prose body shows the other end. The scanner validates the whole document whatever the key order, so `model` first or last costs the same by design.",
            "The multipart body is 5 MiB of random bytes (a `file` part) followed by the `model` part.",
            "Worst-case forms (issue 13): 10 MiB urlencoded and multipart bodies with as many distinct fields as the caps allow (\(QueryParameters.maxParameters) parameters, \(FormFields.maxParts) parts), read in full; and 10 MiB of tiny fields, refused at the cap. Parsing is linear (repeats found by hashing), so these are milliseconds.",
        ]
        return table
    }

    /// 10 MiB forms with the most fields the caps allow, and 10 MiB of tiny fields refused at the cap.
    private static func worstCaseForms(_ budget: Budget, into table: inout Table) throws {
        let size = 10 * 1_024 * 1_024
        let form = Bodies.urlencoded(size: size, parameters: QueryParameters.maxParameters, model: "gpt-4o")
        guard try FormURLEncodedScanner.scan(form).model == "gpt-4o" else { throw BenchError("urlencoded body: model not found") }
        add("urlencoded form, \(QueryParameters.maxParameters) distinct parameters", form, budget, into: &table) {
            blackHole(try? FormURLEncodedScanner.scan(form))
        }
        let tiny = Bodies.urlencoded(size: size, parameters: size / 16, model: "gpt-4o")
        guard (try? FormURLEncodedScanner.scan(tiny)) == nil else { throw BenchError("urlencoded body past the cap was read") }
        add("urlencoded form, \(size / 16) tiny parameters (refused at the cap)", tiny, budget, into: &table) {
            blackHole(try? FormURLEncodedScanner.scan(tiny))
        }
        let (multipart, contentType) = Bodies.multipartParts(size: size, parts: FormFields.maxParts, model: "whisper-1")
        guard let boundary = MultipartScanner.boundary(fromContentType: contentType),
              try MultipartScanner.scan(multipart, boundary: boundary).model == "whisper-1"
        else { throw BenchError("multipart parts body: model not found") }
        add("multipart form, \(FormFields.maxParts) parts", multipart, budget, into: &table) {
            blackHole(try? MultipartScanner.scan(multipart, boundary: boundary))
        }
        let (manyParts, _) = Bodies.multipartParts(size: size, parts: size / 100, model: "whisper-1")
        guard (try? MultipartScanner.scan(manyParts, boundary: boundary)) == nil else { throw BenchError("multipart past the cap was read") }
        add("multipart form, \(size / 100) tiny parts (refused at the cap)", manyParts, budget, into: &table) {
            blackHole(try? MultipartScanner.scan(manyParts, boundary: boundary))
        }
    }

    private static func add(_ name: String, _ body: [UInt8], _ budget: Budget, into table: inout Table, _ pass: () -> Void) {
        let result = Measure.throughput(budget, bytes: body.count, pass)
        table.add([name, Format.bytes(body.count), Format.rate(result.bytesPerSecond), Format.micros(result.nanosPerPass),
                   Format.allocations(result.allocations)])
    }
}
