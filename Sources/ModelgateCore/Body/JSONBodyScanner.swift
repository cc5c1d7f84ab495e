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

    /// Keys at the top level that matter, each allowed once.
    private enum TopLevelKey: Int {
        case model, fallbacks, contextWindowFallbacks, contentPolicyFallbacks, tags, metadata, session

        init?(_ key: JSONKey) {
            switch key {
            case "model": self = .model
            case "fallbacks": self = .fallbacks
            case "context_window_fallbacks": self = .contextWindowFallbacks
            case "content_policy_fallbacks": self = .contentPolicyFallbacks
            case "tags": self = .tags
            case "metadata": self = .metadata
            case "session": self = .session
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
        var seen: UInt8 = 0
        try scanObjectMembers { (scanner, key) throws(BodyProblem) in
            guard let field = TopLevelKey(key) else { return try scanner.skipValue() }
            let bit: UInt8 = 1 << field.rawValue
            if seen & bit != 0 { throw BodyProblem("the key '\(key.text)' appears more than once", at: scanner.position) }
            seen |= bit
            switch field {
            case .model: facts.model = try scanner.readModelName(field: "model")
            case .fallbacks, .contextWindowFallbacks, .contentPolicyFallbacks:
                try scanner.readFallbacks(into: &facts.fallbacks, field: key.text)
            case .tags: try scanner.readStringArray(into: &facts.tags, field: "tags")
            case .metadata: try scanner.readNested(field: "metadata", key: "tags") { (scanner) throws(BodyProblem) in
                    try scanner.readStringArray(into: &facts.tags, field: "metadata.tags")
                }
            case .session: try scanner.readNested(field: "session", key: "model") { (scanner) throws(BodyProblem) in
                    facts.sessionModel = try scanner.readModelName(field: "session.model")
                }
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw BodyProblem("data after the JSON document", at: position) }
        return facts
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

    /// `metadata` / `session`: null, or an object whose `key` member is read by `read` (once).
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

    /// `[name | {"model": name} | {name: [names]}]`, or null.
    private mutating func readFallbacks(into names: inout [String], field: String) throws(BodyProblem) {
        if try skipNull() { return }
        try readArray(field: field) { (scanner) throws(BodyProblem) in
            switch scanner.peek() {
            case UInt8(ascii: "\""): names.append(try scanner.readString())
            case UInt8(ascii: "{"): try scanner.readFallbackObject(into: &names, field: field)
            default: throw BodyProblem("an entry of '\(field)' is neither a name nor an object", at: scanner.position)
            }
        }
    }

    /// `{"model": name, …params}` (LiteLLM lets a fallback override request params), or
    /// `{name: [names], …}`; any other object is malformed.
    private mutating func readFallbackObject(into names: inout [String], field: String) throws(BodyProblem) {
        let start = position
        var model: String?
        var mapped: [String] = []
        var hasNonMapping = false
        var members = 0
        // A group named twice in `{name: [names]}`: parsers disagree on which list wins (Python
        // keeps the last), so the mapping cannot be read one way only.
        var mappedKeys: Set<[UInt8]> = []
        var repeatedKey: String?
        try scanObjectMembers { (scanner, key) throws(BodyProblem) in
            members += 1
            if key == "model" {
                // As at the top level: parsers disagree on which of two wins.
                if model != nil { throw BodyProblem("the key '\(field)[].model' appears more than once", at: scanner.position) }
                model = try scanner.readModelName(field: "\(field)[].model")
                return
            }
            let valueStart = scanner.position
            var list: [String] = []
            do {
                try scanner.readStringArray(into: &list, field: field, allowNull: false)
                let name = key.text
                if !mappedKeys.insert(Array(name.utf8)).inserted { repeatedKey = repeatedKey ?? name }
                mapped.append(name)
                mapped += list
            } catch {
                scanner.position = valueStart
                try scanner.skipValue()
                hasNonMapping = true
            }
        }
        if let model {
            names.append(model)
        } else if members > 0, !hasNonMapping {
            if let repeatedKey {
                throw BodyProblem("the key '\(field)[].\(repeatedKey)' appears more than once", at: start)
            }
            names += mapped
        } else {
            throw BodyProblem("an entry of '\(field)' is neither a name, {\"model\": name} nor {name: [names]}", at: start)
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
