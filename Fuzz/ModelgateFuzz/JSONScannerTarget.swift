import Foundation
import ModelgateCore

/// `JSONBodyScanner.scan` on arbitrary bytes.
///
/// Invariants: a prefix of a body is either rejected or read exactly as the whole body (a
/// truncated body never names other models); the scanner and Foundation's `JSONSerialization`
/// agree on accept/reject and on `model`, `session.model` and the fallbacks whenever
/// JSONSerialization can judge, except for the scanner's documented, fail-closed strictness
/// (repeated model-naming keys, nesting deeper than 512, wrong types for model-naming fields)
/// and Foundation's own leniency and limits (trailing commas, numbers beyond Double's range, a
/// raw U+FEFF dropped from the start of each piece of a string).
enum JSONScannerTarget {
    static let target = FuzzTarget(name: "json", prepare: {}, run: run)

    /// Rejections the scanner makes on purpose where a general JSON parser accepts.
    static let documentedStrictness = [
        "appears more than once", "nested deeper than", "must be a string", "must be an array", "must be an object",
        "must hold only strings", "is neither a name", "neither a name nor an object", "not a JSON object",
        // CONTRACT §3: a top-level key equal to `model` ignoring case is read as the model by
        // case-insensitive decoders.
        "only in case",
    ]

    static func run(_ input: [UInt8]) {
        let facts: BodyFacts?
        let problem: BodyProblem?
        do throws(BodyProblem) {
            facts = try JSONBodyScanner.scan(input)
            problem = nil
        } catch {
            facts = nil
            problem = error
        }
        if let facts {
            prefixes(of: input, read: facts)
        }
        compareWithFoundation(input, facts: facts, problem: problem)
    }

    static func prefixes(of input: [UInt8], read whole: BodyFacts) {
        for length in prefixLengths(input.count, seed: input) {
            if let facts = try? JSONBodyScanner.scan(Array(input[..<length])) {
                Invariant.check(facts == whole, "a \(length)-byte prefix reads differently: \(facts) vs \(whole)", input: input)
            }
        }
    }

    static func compareWithFoundation(_ input: [UInt8], facts: BodyFacts?, problem: BodyProblem?) {
        // JSONSerialization sniffs UTF-16/32 from a BOM or NUL bytes; the scanner reads UTF-8
        // only and rejects a BOM. Those inputs are out of the comparison.
        if input.starts(with: [0xEF, 0xBB, 0xBF]) || input.starts(with: [0xFE, 0xFF]) || input.starts(with: [0xFF, 0xFE]) { return }
        if input.prefix(4).contains(0) { return }
        // Foundation decodes a string in pieces split at its escapes and drops a raw U+FEFF at the
        // start of each piece (`"\u{FEFF}session"` reads as "session", `"p\r\u{FEFF}"` as "p\r");
        // Python keeps it. Compare the input without raw U+FEFF inside strings instead.
        let cleaned = withoutRawBOMsInStrings(input)
        if cleaned != input {
            if let again = try? JSONBodyScanner.scan(cleaned) { prefixes(of: cleaned, read: again) }
            compareWithFoundation(cleaned, facts: try? JSONBodyScanner.scan(cleaned), problem: Self.problem(cleaned))
            return
        }
        let object: Any?
        do {
            object = try JSONSerialization.jsonObject(with: Data(input))
        } catch {
            // Foundation cannot hold numbers beyond Double's range (`1e999`); they are valid JSON
            // and Python reads them as inf. Not a disagreement about structure.
            if "\(error)".contains("is not representable") { return }
            object = nil
        }
        guard let facts else {
            guard object is [String: Any] else { return }
            // Foundation accepts a trailing comma (`{"a":1,}`, `[1,]`); RFC 8259 and Python do not.
            // Compare again without them, so another disagreement in the same input still shows.
            let stripped = withoutTrailingCommas(input)
            if stripped != input {
                if let again = try? JSONBodyScanner.scan(stripped) { prefixes(of: stripped, read: again) }
                compareWithFoundation(stripped, facts: try? JSONBodyScanner.scan(stripped), problem: Self.problem(stripped))
                return
            }
            let message = problem?.message ?? ""
            Invariant.check(
                documentedStrictness.contains { message.contains($0) },
                "the scanner rejects a JSON object Foundation accepts: \(message)", input: input)
            return
        }
        guard let document = object as? [String: Any] else {
            Invariant.fail("the scanner accepts \(facts) where Foundation finds no JSON object", input: input)
        }
        let model = document["model"] as? String
        Invariant.check(
            facts.model.map { $0.sameBytes(model) } ?? (document["model"] == nil),
            "model differs: scanner \(String(describing: facts.model)) vs Foundation \(String(describing: document["model"]))", input: input)
        let session = (document["session"] as? [String: Any])?["model"] as? String
        Invariant.check(
            facts.sessionModel.map { $0.sameBytes(session) } ?? (session == nil),
            "session.model differs: \(String(describing: facts.sessionModel)) vs \(String(describing: session))", input: input)
        // Foundation keeps no key order, so the fallback names are compared as multisets.
        let expected = foundationFallbacks(document).map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        let scanned = facts.fallbacks.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        Invariant.check(scanned == expected, "fallbacks differ: \(facts.fallbacks) vs Foundation's", input: input)
    }

    static func problem(_ input: [UInt8]) -> BodyProblem? {
        do throws(BodyProblem) { _ = try JSONBodyScanner.scan(input); return nil } catch { return error }
    }

    /// `input` without the bytes EF BB BF (a raw U+FEFF) wherever they stand inside a string.
    static func withoutRawBOMsInStrings(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var inString = false, escaped = false
        var index = 0
        while index < input.count {
            let byte = input[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                } else if byte == 0xEF, index + 2 < input.count, input[index + 1] == 0xBB, input[index + 2] == 0xBF {
                    index += 3
                    continue
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    /// `input` without commas that only whitespace separates from a closing `}` or `]`
    /// (outside strings).
    static func withoutTrailingCommas(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false, escaped = false
        var index = 0
        while index < input.count {
            let byte = input[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: ",") {
                var next = index + 1
                while next < input.count, [0x20, 0x09, 0x0A, 0x0D].contains(input[next]) { next += 1 }
                if next < input.count, input[next] == UInt8(ascii: "}") || input[next] == UInt8(ascii: "]") {
                    index += 1
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    /// The names in the three fallback lists, read from Foundation's object graph the way the
    /// contract describes them.
    /// A `{"model": name, …}` entry counts as LiteLLM applies it: its own three lists,
    /// recursively, and its `extra_body.model` (its `tools[].model` are tool models, not fallbacks).
    static func foundationFallbacks(_ document: [String: Any]) -> [String] {
        var names: [String] = []
        for field in ["fallbacks", "context_window_fallbacks", "content_policy_fallbacks"] {
            guard let list = document[field] as? [Any] else { continue }
            for entry in list {
                if let name = entry as? String { names.append(name); continue }
                guard let object = entry as? [String: Any] else { continue }
                if let model = object["model"] as? String {
                    names.append(model)
                    names += foundationFallbacks(object)
                    if let model = (object["extra_body"] as? [String: Any])?["model"] as? String { names.append(model) }
                    continue
                }
                for (key, value) in object {
                    names.append(key)
                    names += (value as? [Any] ?? []).compactMap { $0 as? String }
                }
            }
        }
        return names
    }
}
