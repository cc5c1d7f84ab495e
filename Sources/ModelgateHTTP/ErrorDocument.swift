import ModelgateCore

/// The OpenAI-shaped error document of answers that are not decisions (bad `/v1/decision`
/// input, unknown route, oversized admin body), matching the decision error shape.
enum ErrorDocument {
    static func make(message: String, type: String, code: Int) -> String {
        #"{"error":{"message":\#(quoted(message)),"type":\#(quoted(type)),"param":null,"code":"\#(code)"}}"#
    }

    static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}
