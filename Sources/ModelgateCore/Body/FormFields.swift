/// The rules for the fields of a form body (multipart or urlencoded), in one place: which fields
/// name models and which are forbidden (CONTRACT §3).
///
/// - `model`: the model; a second one is ambiguous (frameworks disagree on which wins).
/// - `session` (realtime calls): JSON, read like the JSON body's `session`; at most once.
/// - `target_model_names`, `target_model_names[…]` (files): comma-separated, every name counts,
///   repeats included (LiteLLM collects them all).
/// - a name equal to `model` ignoring case, but not exactly: malformed.
/// - a `ForbiddenParameters` name: forbidden.
public struct FormFields {
    /// More parts than this in a multipart body are malformed (Starlette's own limit is 1,000
    /// fields plus 1,000 files); urlencoded bodies share the query's parameter cap.
    public static let maxParts = 2_000

    private(set) var facts = BodyFacts()
    private var sawSession = false

    mutating func add(name: String, value: some Collection<UInt8>) throws(BodyProblem) {
        switch name {
        case "model":
            if facts.model != nil { throw BodyProblem("the form field 'model' appears more than once") }
            guard let text = String(validating: value, as: UTF8.self) else { throw BodyProblem("the form field 'model' is not UTF-8") }
            facts.model = text
        case "session":
            if sawSession { throw BodyProblem("the form field 'session' appears more than once") }
            sawSession = true
            let session = try JSONBodyScanner.scanSession(Array(value))
            facts.sessionModel = session.sessionModel
            facts.transcriptionModels += session.transcriptionModels
        default:
            if name == "target_model_names" || (name.hasPrefix("target_model_names[") && name.hasSuffix("]")) {
                guard let text = String(validating: value, as: UTF8.self) else {
                    throw BodyProblem("the form field 'target_model_names' is not UTF-8")
                }
                facts.targetModelNames += Self.commaSeparated(text)
            } else if name.utf8.count == 5, name.lowercased() == "model" {
                throw BodyProblem("the form field '\(name)' differs from 'model' only in case")
            } else if facts.forbiddenParameter == nil, ForbiddenParameters.contains(name) {
                facts.forbiddenParameter = name
            }
        }
    }

    /// `a, b,,c` → `["a", "b", "c"]`, as LiteLLM splits `target_model_names` (each piece
    /// stripped of whitespace, empty pieces dropped).
    static func commaSeparated(_ text: String) -> [String] {
        text.split(separator: ",").compactMap { piece in
            var slice = piece[...]
            while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
            while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
            return slice.isEmpty ? nil : String(slice)
        }
    }
}
