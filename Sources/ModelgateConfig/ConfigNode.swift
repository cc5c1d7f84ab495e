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
    let environment: [String: String]

    mutating func problem(_ at: ConfigNode, _ message: String) {
        problems.append(ConfigProblem(location: at.location, message: message))
    }

    /// Mapping members in order; duplicate keys are a problem (YAML parsers disagree on them).
    mutating func members(_ at: ConfigNode) -> [(key: String, value: ConfigNode)]? {
        guard case .mapping(let mapping) = at.node else {
            problem(at, "expected a mapping")
            return nil
        }
        var seen = Set<String>()
        var result: [(key: String, value: ConfigNode)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                problem(at, "a mapping key is not a string")
                continue
            }
            if !seen.insert(name).inserted {
                problem(at.child(name, value), "duplicate key '\(name)'")
                continue
            }
            result.append((name, at.child(name, value)))
        }
        return result
    }

    mutating func elements(_ at: ConfigNode) -> [ConfigNode]? {
        if at.isNull { return [] }
        guard case .sequence(let sequence) = at.node else {
            problem(at, "expected a list")
            return nil
        }
        return sequence.enumerated().map { at.element($0.offset, $0.element) }
    }

    mutating func string(_ at: ConfigNode) -> String? {
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
        guard let raw = string(at) else { return nil }
        let prefix = "os.environ/"
        guard raw.hasPrefix(prefix) else { return .value(raw) }
        let name = String(raw.dropFirst(prefix.count))
        if let value = environment[name], !value.isEmpty { return .value(value) }
        return .unset(raw)
    }
}
