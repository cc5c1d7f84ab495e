/// Finds the top-level fields that name models or tags in a JSON body, in one pass, without
/// building an object graph.
///
/// The whole document is validated (RFC 8259: strings, escapes, UTF-8, numbers, nesting, no
/// trailing data, no BOM or comments), because a body the scanner accepted but the upstream reads
/// differently would be a way around the check. Only the few interesting values are decoded;
/// everything else is skipped byte by byte, 32 bytes at a time inside strings.
/// Repeated interesting keys (also when equal only after unescaping, `"mod\u0065l"`) are
/// rejected: Python's `json` keeps the last one, other parsers the first.
public struct JSONBodyScanner {
    /// Deeper nesting is rejected rather than walked (Python's own parser stops near 1000).
    public static let maxDepth = 512

    public static func scan(_ body: UnsafeRawBufferPointer) throws(BodyProblem) -> BodyFacts {
        var scanner = JSONBodyScanner(bytes: body.bindMemory(to: UInt8.self))
        return try scanner.scanDocument()
    }

    public static func scan(_ body: [UInt8]) throws(BodyProblem) -> BodyFacts {
        let result: Result<BodyFacts, BodyProblem> = body.withUnsafeBytes { raw in
            do throws(BodyProblem) { return .success(try scan(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: Top level

    /// Deeper fallback entries inside fallback entries are malformed rather than followed.
    public static let maxFallbackDepth = 16

    /// A member name that may appear at most once in its object.
    private protocol OnceMember: RawRepresentable<Int> {
        init?(_ key: JSONKey)
    }

    /// Keys at the top level that matter, each allowed once.
    private enum TopLevelKey: Int, OnceMember {
        case model, fallbacks, contextWindowFallbacks, contentPolicyFallbacks, tags, metadata, session, extraBody, tools

        init?(_ key: JSONKey) {
            switch key {
            case "model": self = .model
            case "fallbacks": self = .fallbacks
            case "context_window_fallbacks": self = .contextWindowFallbacks
            case "content_policy_fallbacks": self = .contentPolicyFallbacks
            case "tags": self = .tags
            case "metadata": self = .metadata
            case "session": self = .session
            case "extra_body": self = .extraBody
            case "tools": self = .tools
            default: return nil
            }
        }
    }

    private mutating func scanDocument() throws(BodyProblem) -> BodyFacts {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw BodyProblem("the body starts with a byte order mark", at: 0)
        }
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else { throw BodyProblem("the body is not a JSON object", at: position) }
        var facts = BodyFacts()
        try scanMembers(TopLevelKey.self, path: "") { (scanner, key) throws(BodyProblem) in
            // `MODEL`, `Model`: a case-insensitive decoder reads it as the model.
            if key.equalsIgnoringASCIICase("model") {
                throw BodyProblem("the key '\(key.text)' differs from 'model' only in case", at: scanner.position)
            }
            scanner.noteForbidden(key, in: &facts)
            try scanner.skipValue()
        } read: { (scanner, field, key) throws(BodyProblem) in
            switch field {
            case .model: facts.model = try scanner.readModelName(field: "model")
            case .fallbacks, .contextWindowFallbacks, .contentPolicyFallbacks:
                try scanner.readFallbacks(into: &facts, field: key.text, depth: 0)
            case .tags: try scanner.readStringArray(into: &facts.tags, field: "tags")
            case .metadata: try scanner.readNested(field: "metadata", key: "tags") { (scanner) throws(BodyProblem) in
                    try scanner.readStringArray(into: &facts.tags, field: "metadata.tags")
                }
            case .session: try scanner.readSession(into: &facts)
            case .extraBody: try scanner.readExtraBody(into: &facts.extraBodyModels)
            case .tools: try scanner.readTools(into: &facts.toolModels)
            }
        }
        try expectEnd()
        return facts
    }

    private mutating func expectEnd() throws(BodyProblem) {
        skipWhitespace()
        guard position == bytes.count else { throw BodyProblem("data after the JSON document", at: position) }
    }

    /// Records `key` when it is a forbidden parameter (the first one found is reported).
    private func noteForbidden(_ key: JSONKey, in facts: inout BodyFacts) {
        guard facts.forbiddenParameter == nil else { return }
        let name: StaticString?
        if let raw = key.bytes { name = ForbiddenParameters.match(raw) } else { name = ForbiddenParameters.match(key.decoded ?? []) }
        if let name { facts.forbiddenParameter = name.description }
    }

    /// A realtime `session` object on its own (the `session` form field of `realtime/calls`).
    public static func scanSession(_ body: [UInt8]) throws(BodyProblem) -> BodyFacts {
        let result: Result<BodyFacts, BodyProblem> = body.withUnsafeBytes { raw in
            var scanner = JSONBodyScanner(bytes: raw.bindMemory(to: UInt8.self))
            do throws(BodyProblem) {
                var facts = BodyFacts()
                scanner.skipWhitespace()
                try scanner.readSession(into: &facts)
                try scanner.expectEnd()
                return .success(facts)
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Walks `{ "k": v, … }` at `position`, calling `member` with each decoded key with the
    /// position at its value; `member` must consume the value.
    private mutating func scanObjectMembers(
        _ member: (inout JSONBodyScanner, JSONKey) throws(BodyProblem) -> Void
    ) throws(BodyProblem) {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { position += 1; return }
        while true {
            skipWhitespace()
            let key = try readKey()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try member(&self, key)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return
            default: throw BodyProblem("expected ',' or '}' in an object", at: position)
            }
        }
    }

    /// Walks an object in which each `Member` may appear once (as at the top level: parsers
    /// disagree on which of two wins); other members go to `other`. `path` prefixes the key in
    /// messages (`session.`).
    private mutating func scanMembers<Member: OnceMember>(
        _: Member.Type, path: @autoclosure () -> String,
        other: (inout JSONBodyScanner, JSONKey) throws(BodyProblem) -> Void,
        read: (inout JSONBodyScanner, Member, JSONKey) throws(BodyProblem) -> Void
    ) throws(BodyProblem) {
        var seen: UInt32 = 0
        try scanObjectMembers { (scanner, key) throws(BodyProblem) in
            guard let member = Member(key) else { return try other(&scanner, key) }
            let bit: UInt32 = 1 << UInt32(member.rawValue)
            if seen & bit != 0 { throw BodyProblem("the key '\(path())\(key.text)' appears more than once", at: scanner.position) }
            seen |= bit
            try read(&scanner, member, key)
        }
    }

    /// `metadata` / `extra_body` / a tool: null, or an object whose `key` member is read by `read` (once).
    private mutating func readNested(
        field: String, key wanted: StaticString, _ read: (inout JSONBodyScanner) throws(BodyProblem) -> Void
    ) throws(BodyProblem) {
        if try skipNull() { return }
        guard peek() == UInt8(ascii: "{") else { throw BodyProblem("'\(field)' must be an object", at: position) }
        var found = false
        try scanObjectMembers { (scanner, key) throws(BodyProblem) in
            guard key == wanted else { return try scanner.skipValue() }
            if found { throw BodyProblem("the key '\(field).\(key.text)' appears more than once", at: scanner.position) }
            found = true
            try read(&scanner)
        }
    }

    // MARK: Values that name models or tags

    private mutating func readModelName(field: String) throws(BodyProblem) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw BodyProblem("'\(field)' must be a string", at: position) }
        return try readString()
    }

    /// `extra_body`: null or an object; its `model` (a string or null) is a named model.
    private mutating func readExtraBody(into models: inout [String]) throws(BodyProblem) {
        try readNested(field: "extra_body", key: "model") { (scanner) throws(BodyProblem) in
            if try scanner.skipNull() { return }
            models.append(try scanner.readModelName(field: "extra_body.model"))
        }
    }

    /// `tools`: null or an array; every object element's `model` (a string or null) is a named
    /// model. Other elements are the upstream's to reject.
    private mutating func readTools(into models: inout [String]) throws(BodyProblem) {
        if try skipNull() { return }
        guard peek() == UInt8(ascii: "[") else { return try skipValue() }
        try readArray(field: "tools") { (scanner) throws(BodyProblem) in
            guard scanner.peek() == UInt8(ascii: "{") else { return try scanner.skipValue() }
            try scanner.readNested(field: "tools[]", key: "model") { (scanner) throws(BodyProblem) in
                if try scanner.skipNull() { return }
                models.append(try scanner.readModelName(field: "tools[].model"))
            }
        }
    }

    /// Realtime `session`: null or an object with `model`, `audio.input.transcription.model` and
    /// `input_audio_transcription.model`, each key at most once.
    private mutating func readSession(into facts: inout BodyFacts) throws(BodyProblem) {
        if try skipNull() { return }
        guard peek() == UInt8(ascii: "{") else { throw BodyProblem("'session' must be an object", at: position) }
        try scanMembers(SessionKey.self, path: "session.") { (scanner, _) throws(BodyProblem) in
            try scanner.skipValue()
        } read: { (scanner, member, _) throws(BodyProblem) in
            switch member {
            case .model: facts.sessionModel = try scanner.readModelName(field: "session.model")
            case .audio:
                try scanner.readNested(field: "session.audio", key: "input") { (scanner) throws(BodyProblem) in
                    try scanner.readNested(field: "session.audio.input", key: "transcription") { (scanner) throws(BodyProblem) in
                        try scanner.readTranscription(into: &facts.transcriptionModels, field: "session.audio.input.transcription")
                    }
                }
            case .inputAudioTranscription:
                try scanner.readTranscription(into: &facts.transcriptionModels, field: "session.input_audio_transcription")
            }
        }
    }

    private enum SessionKey: Int, OnceMember {
        case model, audio, inputAudioTranscription

        init?(_ key: JSONKey) {
            switch key {
            case "model": self = .model
            case "audio": self = .audio
            case "input_audio_transcription": self = .inputAudioTranscription
            default: return nil
            }
        }
    }

    private mutating func readTranscription(into models: inout [String], field: String) throws(BodyProblem) {
        try readNested(field: field, key: "model") { (scanner) throws(BodyProblem) in
            if try scanner.skipNull() { return }
            models.append(try scanner.readModelName(field: "\(field).model"))
        }
    }

    /// `[name | {"model": name, …params} | {name: [names]}]`, or null.
    private mutating func readFallbacks(into facts: inout BodyFacts, field: String, depth: Int) throws(BodyProblem) {
        if try skipNull() { return }
        try readArray(field: field) { (scanner) throws(BodyProblem) in
            switch scanner.peek() {
            case UInt8(ascii: "\""): facts.fallbacks.append(try scanner.readString())
            case UInt8(ascii: "{"): try scanner.readFallbackObject(into: &facts, field: field, depth: depth)
            default: throw BodyProblem("an entry of '\(field)' is neither a name nor an object", at: scanner.position)
            }
        }
    }

    /// An object entry of a fallback list. With a `model` member it is `{"model": name, …params}`,
    /// which LiteLLM applies to the retried call: its own fallbacks, `extra_body.model` and
    /// `tools[].model` are named models too, and a forbidden parameter is forbidden there as well.
    /// Without one it must be `{name: [names]}` with exactly one member (LiteLLM reads only the
    /// first key); any other object is malformed.
    private mutating func readFallbackObject(into facts: inout BodyFacts, field: String, depth: Int) throws(BodyProblem) {
        let start = position
        // First pass: does the entry have a `model` member?
        var hasModel = false
        var members = 0
        try scanObjectMembers { (scanner, key) throws(BodyProblem) in
            members += 1
            if key == "model" { hasModel = true }
            try scanner.skipValue()
        }
        position = start
        if hasModel {
            guard depth < Self.maxFallbackDepth else {
                throw BodyProblem("fallback entries nested deeper than \(Self.maxFallbackDepth) levels", at: start)
            }
            try scanMembers(FallbackEntryKey.self, path: "\(field)[].") { (scanner, key) throws(BodyProblem) in
                scanner.noteForbidden(key, in: &facts)
                try scanner.skipValue()
            } read: { (scanner, member, key) throws(BodyProblem) in
                switch member {
                case .model: facts.fallbacks.append(try scanner.readModelName(field: "\(field)[].model"))
                case .extraBody: try scanner.readExtraBody(into: &facts.fallbacks)
                case .tools: try scanner.readTools(into: &facts.toolModels)
                case .fallbacks, .contextWindowFallbacks, .contentPolicyFallbacks:
                    try scanner.readFallbacks(into: &facts, field: "\(field)[].\(key.text)", depth: depth + 1)
                }
            }
            return
        }
        guard members == 1 else {
            throw BodyProblem("an entry of '\(field)' is neither a name, {\"model\": name, …} nor {name: [names]} with one member", at: start)
        }
        try scanObjectMembers { (scanner, key) throws(BodyProblem) in
            guard scanner.peek() == UInt8(ascii: "[") else {
                throw BodyProblem("an entry of '\(field)' is neither a name, {\"model\": name, …} nor {name: [names]}", at: start)
            }
            facts.fallbacks.append(key.text)
            try scanner.readStringArray(into: &facts.fallbacks, field: field, allowNull: false)
        }
    }

    /// The members of a `{"model": name, …}` fallback entry that name models: the top-level
    /// keys but `tags`, `metadata` and `session`, which are plain parameters there.
    private enum FallbackEntryKey: Int, OnceMember {
        case model, fallbacks, contextWindowFallbacks, contentPolicyFallbacks, extraBody, tools

        init?(_ key: JSONKey) {
            switch TopLevelKey(key) {
            case .model?: self = .model
            case .fallbacks?: self = .fallbacks
            case .contextWindowFallbacks?: self = .contextWindowFallbacks
            case .contentPolicyFallbacks?: self = .contentPolicyFallbacks
            case .extraBody?: self = .extraBody
            case .tools?: self = .tools
            case .tags?, .metadata?, .session?, nil: return nil
            }
        }
    }

    private mutating func readStringArray(into strings: inout [String], field: String, allowNull: Bool = true) throws(BodyProblem) {
        if allowNull, try skipNull() { return }
        try readArray(field: field) { (scanner) throws(BodyProblem) in
            guard scanner.peek() == UInt8(ascii: "\"") else {
                throw BodyProblem("'\(field)' must hold only strings", at: scanner.position)
            }
            strings.append(try scanner.readString())
        }
    }

    private mutating func readArray(field: String, _ element: (inout JSONBodyScanner) throws(BodyProblem) -> Void) throws(BodyProblem) {
        guard peek() == UInt8(ascii: "[") else { throw BodyProblem("'\(field)' must be an array", at: position) }
        position += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { position += 1; return }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return
            default: throw BodyProblem("expected ',' or ']' in '\(field)'", at: position)
            }
        }
    }

    private mutating func skipNull() throws(BodyProblem) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try skipLiteral("null")
        return true
    }
}

// MARK: - Lexing

extension JSONBodyScanner {
    @inline(__always)
    func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(BodyProblem) {
        guard position < bytes.count else { throw BodyProblem("the body ends early", at: position) }
        guard bytes[position] == byte else {
            throw BodyProblem("expected '\(Character(Unicode.Scalar(byte)))'", at: position)
        }
        position += 1
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func skipLiteral(_ literal: StaticString) throws(BodyProblem) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw BodyProblem("the body ends early", at: position) }
        let start = literal.utf8Start
        for i in 0..<count where bytes[position + i] != start[i] {
            throw BodyProblem("invalid literal", at: position)
        }
        position += count
    }

    /// Skips any JSON value, validating it, without recursion.
    mutating func skipValue() throws(BodyProblem) {
        // true = inside an object, false = inside an array.
        var stack: [Bool] = []
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw BodyProblem("the body ends early", at: position) }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                position += 1
                let isObject = byte == UInt8(ascii: "{")
                stack.append(isObject)
                if stack.count > Self.maxDepth {
                    throw BodyProblem("JSON nested deeper than \(Self.maxDepth) levels", at: position)
                }
                skipWhitespace()
                if peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                    stack.removeLast()
                    break
                }
                if isObject { try skipMemberKey() }
                continue
            case UInt8(ascii: "\""): try skipString()
            case UInt8(ascii: "t"): try skipLiteral("true")
            case UInt8(ascii: "f"): try skipLiteral("false")
            case UInt8(ascii: "n"): try skipLiteral("null")
            default: try skipNumber()
            }
            // A value ended: close containers or move to the next element.
            while let isObject = stack.last {
                skipWhitespace()
                guard let next = peek() else { throw BodyProblem("the body ends early", at: position) }
                if next == UInt8(ascii: ",") {
                    position += 1
                    if isObject { try skipMemberKey() }
                    break
                }
                guard next == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw BodyProblem("expected ',' or a closing bracket", at: position)
                }
                position += 1
                stack.removeLast()
            }
            if stack.isEmpty { return }
        }
    }

    private mutating func skipMemberKey() throws(BodyProblem) {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw BodyProblem("expected a string key", at: position) }
        try skipString()
        skipWhitespace()
        try expect(UInt8(ascii: ":"))
    }

    mutating func skipNumber() throws(BodyProblem) {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), isDigit(first) else { throw BodyProblem("invalid value", at: start) }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard let digit = peek(), isDigit(digit) else { throw BodyProblem("invalid number", at: start) }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek(), isDigit(digit) else { throw BodyProblem("invalid number", at: start) }
            skipDigits()
        }
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
}
