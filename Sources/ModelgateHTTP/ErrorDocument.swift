/// The OpenAI-shaped error document of answers that are not decisions (bad `/v1/decision`
/// input, unknown route, oversized admin body), matching the decision error shape.
enum ErrorDocument {
    static func make(message: String, type: String, code: Int) -> String {
        #"{"error":{"message":\#(quoted(message)),"type":\#(quoted(type)),"param":null,"code":"\#(code)"}}"#
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
