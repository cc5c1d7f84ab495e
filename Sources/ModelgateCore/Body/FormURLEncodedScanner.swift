/// Reads the `model` field of an `application/x-www-form-urlencoded` body (LiteLLM accepts
/// form posts on its OpenAI routes); the same rules as a query string apply.
public enum FormURLEncodedScanner {
    public static func modelField(in body: [UInt8]) throws(BodyProblem) -> String? {
        guard let text = String(validating: body, as: UTF8.self) else { throw BodyProblem("the form body is not UTF-8") }
        switch QueryParameters.parse(Substring(text)) {
        case .success(let fields): return fields["model"]
        case .failure(let problem): throw BodyProblem("the form body is ambiguous: \(problem)")
        }
    }
}
