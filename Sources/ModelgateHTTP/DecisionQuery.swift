import Foundation
import ModelgateCore

/// The body of `POST /v1/decision`: `{"method","path","headers":{…},"body":"…"}`.
///
/// Decoded with `JSONDecoder` (this is not the hot path). Not `JSONSerialization`: on Linux it
/// drops a byte order mark inside a string, and a body starting with one must reach the engine
/// as sent (it is a `malformed_body`).
enum DecisionQuery {
    struct Invalid: Error {
        var message: String
    }

    /// The described request. A header value may be a string or an array of strings (a
    /// repeated header); headers are taken in name order so the result does not depend on how
    /// the JSON object was hashed.
    static func parse(_ bytes: [UInt8], maxBodyBytes: Int) throws(Invalid) -> CheckRequest {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Invalid(message: describe(error))
        } catch {
            throw Invalid(message: "the request body is not valid JSON")
        }
        guard !wire.method.isEmpty else { throw Invalid(message: "\"method\" must be a non-empty string") }
        guard !wire.path.isEmpty else { throw Invalid(message: "\"path\" must be a non-empty string (raw, with query)") }
        var headers = HeaderFields()
        for (name, value) in (wire.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            for single in value.values { headers.add(name: name, value: single) }
        }
        let body = ReceivedBody.withOriginalHeaders(.received(Array((wire.body ?? "").utf8)), headers: headers)
        return CheckRequest(
            method: wire.method, rawTarget: wire.path, headers: headers, body: body.requestBody(maxBodyBytes: maxBodyBytes))
    }

    private struct Wire: Decodable {
        var method: String
        var path: String
        var headers: [String: HeaderValue]?
        var body: String?
    }

    private struct HeaderValue: Decodable {
        var values: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let single = try? container.decode(String.self) {
                values = [single]
            } else if let many = try? container.decode([String].self) {
                values = many
            } else {
                throw DecodingError.typeMismatch(String.self, .init(
                    codingPath: decoder.codingPath, debugDescription: "a header value is a string or an array of strings"))
            }
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the request body" : "\"" + names.joined(separator: ".") + "\""
        }
        switch error {
        case .keyNotFound(let key, _):
            return "\"\(key.stringValue)\" is missing; the body is {\"method\",\"path\",\"headers\",\"body\"}"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            switch context.codingPath.first?.stringValue {
            case "headers": return "\(path(context)): a header value must be a string or an array of strings"
            case nil: return "the request body must be a JSON object with method, path, headers and body"
            default: return "\(path(context)) must be a string"
            }
        case .dataCorrupted:
            return "the request body is not valid JSON"
        @unknown default:
            return "the request body is not a decision query"
        }
    }
}
