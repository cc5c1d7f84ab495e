/// Request bodies of a given size, deterministic from run to run.
enum Bodies {
    /// Prose for message contents: ASCII with, every few hundred bytes, a `\n` and `\"` escape
    /// and non-ASCII text, as chat transcripts have.
    private static let paragraphs = [
        #"The quarterly report shows revenue growth of 12% across all regions, driven mainly by the new subscription tier.\n\n"#,
        #"Please review the attached contract and list every clause that mentions \"termination\" or \"renewal\", with page numbers.\n"#,
        #"Le café était fermé, alors nous avons continué jusqu'à la gare — 東京 was the next stop on the itinerary.\n"#,
        #"def handler(event):\n    return {\"status\": 200, \"body\": event.get(\"payload\", {})}\n"#,
        #"Summarise the discussion above in three bullet points and flag any open questions for the team lead.\n\n"#,
    ]

    /// A chat request (`messages` of user/assistant turns) of about `size` bytes with `model`
    /// as the first or the last top-level key.
    static func chat(size: Int, model: String, modelFirst: Bool, anthropic: Bool = false) -> [UInt8] {
        let head = modelFirst ? #"{"model":"\#(model)","messages":["# : #"{"messages":["#
        let tail = anthropic
            ? #"],"max_tokens":1024,"temperature":0.7,"metadata":{"user_id":"u-42"}"#
            : #"],"temperature":0.7,"max_tokens":1024,"stream":false,"user":"u-42""#
        let end = modelFirst ? "}" : #","model":"\#(model)"}"#
        let overhead = head.utf8.count + tail.utf8.count + end.utf8.count
        // Turns of ~2 KB (five variants, precomputed), the last one cut to fit.
        let turns = (0..<paragraphs.count).map { start in
            var content = ""
            var paragraph = start
            while content.utf8.count < 2_048 {
                content += paragraphs[paragraph % paragraphs.count]
                paragraph += 1
            }
            return content
        }
        var messages = ""
        var turn = 0
        while messages.utf8.count < size - overhead - 40 {
            let role = turn % 2 == 0 ? "user" : "assistant"
            let room = size - overhead - messages.utf8.count - 40
            var content = turns[turn % turns.count]
            if content.utf8.count > room { content = trim(content, toBytes: max(1, room)) }
            if turn > 0 { messages += "," }
            messages += #"{"role":"\#(role)","content":"\#(content)"}"#
            turn += 1
        }
        return Array((head + messages + tail + end).utf8)
    }

    /// A chat request of plain English prose: ASCII, with a `\n\n` between paragraphs of ~300
    /// bytes and no other escapes; `model` last.
    static func prose(size: Int, model: String) -> [UInt8] {
        let paragraph = "Our customers keep asking how the new pricing affects existing contracts. The short answer is that nothing changes until renewal, when the standard tier moves to the usage-based plan described in the appendix and discounts carry over for one more year.\\n\\n"
        let head = #"{"messages":[{"role":"user","content":""#
        let tail = #""}],"max_tokens":1024,"model":"\#(model)"}"#
        var content = ""
        while content.utf8.count + paragraph.utf8.count < size - head.utf8.count - tail.utf8.count {
            content += paragraph
        }
        return Array((head + content + tail).utf8)
    }

    /// An embeddings request whose `input` is token ids (`[[9906, 1917, …]]`): numbers
    /// everywhere, the scanner's slowest kind of content.
    static func tokenIDs(size: Int, model: String) -> [UInt8] {
        var out = Array(#"{"model":"\#(model)","input":[["#.utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var first = true
        while out.count < size - 4 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += Array(String((state >> 33) % 100_000).utf8)
        }
        out += Array("]]}".utf8)
        return out
    }

    /// An audio upload (`file` then `model`, as the OpenAI SDK orders them) of about `size` bytes
    /// of incompressible data; returns the body and its content type.
    static func multipart(size: Int, model: String) -> (body: [UInt8], contentType: String) {
        let boundary = "4f9c1e2b7a5d4c3e8b6a0f1e2d3c4b5a"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"meeting.mp3\"\r\nContent-Type: audio/mpeg\r\n\r\n".utf8)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let fileBytes = size - 300
        body.reserveCapacity(size)
        for _ in 0..<(fileBytes / 8) {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            withUnsafeBytes(of: state) { body.append(contentsOf: $0) }
        }
        body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n\(model)\r\n--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// A urlencoded form of about `size` bytes with `parameters` distinct names (`model` last),
    /// the value of each padded to fill the size.
    static func urlencoded(size: Int, parameters: Int, model: String) -> [UInt8] {
        let valueBytes = max(1, size / parameters - 12)
        let value = String(repeating: "v", count: valueBytes)
        var body: [UInt8] = []
        body.reserveCapacity(size + 64)
        for index in 0..<(parameters - 1) { body += Array("p\(index)=\(value)&".utf8) }
        body += Array("model=\(model)".utf8)
        return body
    }

    /// A multipart body of about `size` bytes with `parts` small fields (`model` last).
    static func multipartParts(size: Int, parts: Int, model: String) -> (body: [UInt8], contentType: String) {
        let boundary = "4f9c1e2b7a5d4c3e8b6a0f1e2d3c4b5a"
        let value = String(repeating: "v", count: max(1, size / parts - 90))
        var body: [UInt8] = []
        body.reserveCapacity(size + 256)
        for index in 0..<(parts - 1) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"p\(index)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n\(model)\r\n--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// `text` cut to at most `bytes` UTF-8 bytes without splitting a character or an escape.
    private static func trim(_ text: String, toBytes bytes: Int) -> String {
        var result = ""
        var count = 0
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            var piece = String(character)
            if character == "\\", let escaped = iterator.next() { piece.append(escaped) }
            let length = piece.utf8.count
            if count + length > bytes { break }
            result += piece
            count += length
        }
        return result
    }
}
