/// Reads an `application/x-www-form-urlencoded` body (LiteLLM accepts form posts on its OpenAI
/// routes): split and decoded as a query string (`QueryParameters`: linear, capped, a repeated
/// name is ambiguous), its fields read by `FormFields`.
public enum FormURLEncodedScanner {
    public static func scan(_ body: [UInt8]) throws(BodyProblem) -> BodyFacts {
        guard let text = String(validating: body, as: UTF8.self) else { throw BodyProblem("the form body is not UTF-8") }
        // python-multipart 0.0.20 splits fields at ';' as well as '&', newer versions only at '&'.
        if body.contains(UInt8(ascii: ";")) { throw BodyProblem("a ';' in a urlencoded form body (parsers disagree on whether it separates fields)") }
        switch QueryParameters.parse(Substring(text)) {
        case .success(let parameters):
            var fields = FormFields()
            for pair in parameters.pairs { try fields.add(name: pair.name, value: pair.value.utf8) }
            return fields.facts
        case .failure(let problem): throw BodyProblem("the form body is ambiguous: \(problem)")
        }
    }

    /// The `model` field's value (nil when absent).
    public static func modelField(in body: [UInt8]) throws(BodyProblem) -> String? {
        try scan(body).model
    }
}
