import Yams

/// Composes config YAML with Yams, the way LiteLLM's loader (PyYAML) accepts it, and never lets
/// the file's text into an error.
///
/// - Yams refuses any mapping with a repeated key, while PyYAML keeps the last value. So each
///   earlier occurrence Yams reports is renamed in place (`supersededMarker`, a number, the key) and the
///   text composed again: the reader then decides, key by key, whether a repeat is an error (a
///   key modelgate reads) or a warning (one it ignores).
/// - Yams errors carry the whole document as "context"; only libyaml's problem and its line and
///   column are kept.
enum YAMLDocument {
    /// Prefix of a renamed earlier occurrence (then a number, `\u{E001}` and the key): private-use
    /// characters no config key holds.
    static let supersededMarker = "\u{E000}modelgate-superseded-"

    /// The key a renamed occurrence stood for, or nil for an ordinary key.
    static func supersededName(_ key: String) -> String? {
        guard key.hasPrefix(supersededMarker), let end = key.firstIndex(of: "\u{E001}") else { return nil }
        return String(key[key.index(after: end)...])
    }

    /// At most this many repeated keys are renamed (each costs one more compose).
    static let maxRenames = 200

    static func compose(_ text: String) throws(ConfigError) -> Node? {
        var text = text
        var renamed = Set<String>()
        for _ in 0...maxRenames {
            do {
                return try Yams.compose(yaml: text)
            } catch let error as YamlError {
                guard case .duplicatedKeysInMapping(let names, let context) = error else {
                    throw ConfigError(problems: [problem(error)])
                }
                let at = "line \(context.mark.line), column \(context.mark.column)"
                guard !renamed.contains(at), let next = renameKey(in: text, at: context.mark, number: renamed.count) else {
                    let list = names.map { "'\($0)'" }.joined(separator: ", ")
                    throw ConfigError(problems: [ConfigProblem(location: "config (\(at))", message: "repeated key \(list) that cannot be read one way only")])
                }
                renamed.insert(at)
                text = next
            } catch {
                throw ConfigError(problems: [ConfigProblem(location: "config", message: "not valid YAML")])
            }
        }
        throw ConfigError(problems: [ConfigProblem(location: "config", message: "more than \(maxRenames) repeated keys")])
    }

    /// The error as a place and libyaml's own description of the problem; never file text.
    static func problem(_ error: YamlError) -> ConfigProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigProblem(location: "config (line \(mark.line), column \(mark.column))", message: "not valid YAML: \(problem)")
        case .reader(let problem, _, _, _):
            return ConfigProblem(location: "config", message: "not valid YAML: \(problem)")
        case .dataCouldNotBeDecoded:
            return ConfigProblem(location: "config", message: "not valid YAML: not UTF-8 text")
        default:
            return ConfigProblem(location: "config", message: "not valid YAML")
        }
    }

    /// `text` with the key starting at `mark` (1-based line and column, in Unicode scalars, lines
    /// broken as libyaml breaks them) prefixed with the marker; nil when no plain or quoted key
    /// starts there.
    static func renameKey(in text: String, at mark: Mark, number: Int) -> String? {
        var scalars = Array(text.unicodeScalars)
        var line = 1, column = 1, index = 0
        while index < scalars.count, line < mark.line || column < mark.column {
            let scalar = scalars[index]
            if line == mark.line, ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) { return nil }
            index += 1
            if scalar == "\r", index < scalars.count, scalars[index] == "\n" { index += 1 }
            if ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        guard index < scalars.count, line == mark.line, column == mark.column else { return nil }
        switch scalars[index] {
        case "\"", "'": index += 1
        case "?", "&", "*", "!", "[", "{", "-", ":", "#", "|", ">", "%", "@", "`", " ", "\t": return nil
        default: break
        }
        scalars.insert(contentsOf: "\(supersededMarker)\(number)\u{E001}".unicodeScalars, at: index)
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }
}
