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
        table.notes = [
            "Chat bodies are `messages` turns of ~2 KB mixing prose, code and French/Japanese text: an escape (`\\n`, `\\\"`) or a non-ASCII character every ~20 bytes on average, which is what the scanner stops at; the plain-prose body shows the other end. The scanner validates the whole document whatever the key order, so `model` first or last costs the same by design.",
            "The multipart body is 5 MiB of random bytes (a `file` part) followed by the `model` part.",
        ]
        return table
    }
}
