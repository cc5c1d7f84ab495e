import Foundation
import ModelgateCore

/// The body of `POST /v1/decision`: `{"method","path","headers":{…},"body":"…"}`.
///
/// Decoded with Foundation: this is a debugging and integration route, not the hot path.
enum DecisionQuery {
    struct Invalid: Error {
        var message: String
    }

    /// The described request. A header value may be a string or an array of strings (a
    /// repeated header); headers are taken in name order so the result does not depend on how
    /// the JSON object was hashed.
    static func parse(_ bytes: [UInt8], maxBodyBytes: Int) throws(Invalid) -> CheckRequest {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw Invalid(message: "the request body is not valid JSON")
        }
        guard let object = json as? [String: Any] else {
            throw Invalid(message: "the request body must be a JSON object with method, path, headers and body")
        }
        guard let method = object["method"] as? String, !method.isEmpty else {
            throw Invalid(message: "\"method\" must be a non-empty string")
        }
        guard let path = object["path"] as? String, !path.isEmpty else {
            throw Invalid(message: "\"path\" must be a non-empty string (raw, with query)")
        }
        var headers = HeaderFields()
        switch object["headers"] {
        case nil, is NSNull:
            break
        case let raw as [String: Any]:
            for name in raw.keys.sorted() {
                switch raw[name] {
                case let value as String:
                    headers.add(name: name, value: value)
                case let values as [Any]:
                    for value in values {
                        guard let value = value as? String else {
                            throw Invalid(message: "header \"\(name)\" must be a string or an array of strings")
                        }
                        headers.add(name: name, value: value)
                    }
                default:
                    throw Invalid(message: "header \"\(name)\" must be a string or an array of strings")
                }
            }
        default:
            throw Invalid(message: "\"headers\" must be an object of header names to values")
        }
        let body: RequestBody
        switch object["body"] {
        case nil, is NSNull:
            body = .empty
        case let text as String:
            let bytes = Array(text.utf8)
            body = bytes.count > maxBodyBytes ? .tooLarge : .complete(bytes)
        default:
            throw Invalid(message: "\"body\" must be a string")
        }
        return CheckRequest(method: method, rawTarget: path, headers: headers, body: body)
    }
}
