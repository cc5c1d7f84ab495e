import ModelgateCore
import Yams

/// A YAML node with the dotted path that led to it (`model_list[2].litellm_params.model`),
/// so every problem can say where it is.
struct ConfigNode {
    let node: Node
    let path: String

    var location: String {
        guard let mark = node.mark else { return path }
        return "\(path) (line \(mark.line), column \(mark.column))"
    }

    func child(_ key: String, _ value: Node) -> ConfigNode {
        ConfigNode(node: value, path: path.isEmpty ? key : "\(path).\(key)")
    }

    func element(_ index: Int, _ value: Node) -> ConfigNode {
        ConfigNode(node: value, path: "\(path)[\(index)]")
    }

    var isNull: Bool {
        if case .scalar(let scalar) = node { return scalar.tag == Tag(.null) || (scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)) }
        return false
    }
}

/// Walks config nodes, collecting every problem instead of stopping at the first.
struct ConfigReader {
    var problems: [ConfigProblem] = []
    var warnings: [String] = []
    /// The process environment over the config's `environment_variables:` (`os.environ/NAME`).
    var environment: [String: String]
    /// Locations of `os.environ/` references already reported as unset.
    var unsetReferences = Set<String>()

    mutating func problem(_ at: ConfigNode, _ message: String) {
        problems.append(ConfigProblem(location: at.location, message: message))
    }

    /// Repeated keys already reported, by the location of the occurrence that counts.
    var reportedRepeats = Set<String>()

    /// Mapping members in order. A key repeated in the mapping (PyYAML, and so LiteLLM, keeps
    /// the last value) is a problem when the caller reads it (`reading` nil: every key), and a
    /// warning otherwise; either names the occurrence that counts, never a value.
    mutating func members(_ at: ConfigNode, reading: Set<String>? = nil) -> [(key: String, value: ConfigNode)]? {
        guard case .mapping(let mapping) = at.node else {
            problem(at, "expected a mapping")
            return nil
        }
        var result: [(key: String, value: ConfigNode)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                problem(at, "a mapping key is not a string")
                continue
            }
            if let original = YAMLDocument.supersededName(name) {
                repeated(original, in: at, reading: reading)
                continue
            }
            result.append((name, at.child(name, value)))
        }
        return result
    }

    /// Reports a key that `mapping` repeats, at its last occurrence (the one PyYAML keeps).
    mutating func repeated(_ name: String, in mapping: ConfigNode, reading: Set<String>?) {
        guard case .mapping(let pairs) = mapping.node else { return }
        let kept = Array(pairs).last(where: { $0.key.string == name })
        let place = kept.map { mapping.child(name, $0.value) } ?? mapping.child(name, mapping.node)
        var location = place.location
        if let mark = kept?.key.mark { location = "\(place.path) (line \(mark.line), column \(mark.column))" }
        guard reportedRepeats.insert(location).inserted else { return }
        if reading == nil || reading!.contains(name) {
            problems.append(ConfigProblem(location: location, message: "key '\(name)' is repeated in its mapping; modelgate reads it, so the file must say it once"))
        } else {
            warnings.append("\(location): key '\(name)' is repeated in its mapping; the last one is used (as in LiteLLM)")
        }
    }

    /// Warns about repeated keys under `node` that no reader visited (sections and fields
    /// modelgate does not read).
    mutating func warnRepeats(under node: ConfigNode) {
        switch node.node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                if let original = YAMLDocument.supersededName(name) {
                    repeated(original, in: node, reading: [])
                } else {
                    warnRepeats(under: node.child(name, value))
                }
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() { warnRepeats(under: node.element(index, item)) }
        default:
            break
        }
    }

    mutating func elements(_ at: ConfigNode) -> [ConfigNode]? {
        if at.isNull { return [] }
        guard case .sequence(let sequence) = at.node else {
            problem(at, "expected a list")
            return nil
        }
        return sequence.enumerated().map { at.element($0.offset, $0.element) }
    }

    /// A name, id, alias or model: never holds a control character, since it may become a
    /// header value (CONTRACT §4). Secrets are read with `secret`, checked where they are sent.
    mutating func string(_ at: ConfigNode) -> String? {
        guard let text = scalarString(at) else { return nil }
        if ControlCharacters.contains(text) {
            problem(at, "holds a control character")
            return nil
        }
        return text
    }

    mutating func scalarString(_ at: ConfigNode) -> String? {
        guard case .scalar(let scalar) = at.node else {
            problem(at, "expected a string")
            return nil
        }
        return scalar.string
    }

    mutating func strings(_ at: ConfigNode) -> [String]? {
        guard let items = elements(at) else { return nil }
        var result: [String] = []
        for item in items {
            guard let value = string(item) else { return nil }
            result.append(value)
        }
        return result
    }

    mutating func bool(_ at: ConfigNode) -> Bool? {
        guard let value = at.node.bool else {
            problem(at, "expected true or false")
            return nil
        }
        return value
    }

    mutating func positiveInt(_ at: ConfigNode) -> Int? {
        guard let value = at.node.int, value > 0 else {
            problem(at, "expected a positive whole number")
            return nil
        }
        return value
    }

    /// A value that may read `os.environ/NAME`: `.value`, or `.unset(NAME)` when NAME is not set.
    enum Resolved {
        case value(String)
        case unset(String)
    }

    mutating func secret(_ at: ConfigNode) -> Resolved? {
        guard let raw = scalarString(at) else { return nil }
        let prefix = "os.environ/"
        guard raw.hasPrefix(prefix) else { return .value(raw) }
        let name = String(raw.dropFirst(prefix.count))
        if let value = environment[name], !value.isEmpty { return .value(value) }
        unsetReferences.insert(at.location)
        return .unset(raw)
    }
}

extension ConfigReader {
    /// Warns once about each `os.environ/NAME` under `node` whose variable is not set and that
    /// no reader already reported (fields modelgate does not read: LiteLLM would need them).
    mutating func warnUnsetReferences(under node: ConfigNode) {
        switch node.node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard let name = key.string, !name.hasPrefix(YAMLDocument.supersededMarker) else { continue }
                warnUnsetReferences(under: node.child(name, value))
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() { warnUnsetReferences(under: node.element(index, item)) }
        case .scalar(let scalar):
            let prefix = "os.environ/"
            guard scalar.string.hasPrefix(prefix), !unsetReferences.contains(node.location) else { return }
            let name = String(scalar.string.dropFirst(prefix.count))
            if let value = environment[name], !value.isEmpty { return }
            unsetReferences.insert(node.location)
            warnings.append("\(node.location): \(scalar.string) is not set (modelgate does not read this field; LiteLLM would)")
        case .alias:
            break
        }
    }
}
