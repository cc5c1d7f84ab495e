import ModelgateCore

/// `general_settings`: only `master_key` matters to modelgate.
enum GeneralSettingsSection {
    static func masterKey(_ node: ConfigNode, reader: inout ConfigReader) -> String? {
        for (name, value) in reader.members(node) ?? [] where name == "master_key" && !value.isNull {
            switch reader.secret(value) {
            case .value(let key): return key
            case .unset(let reference):
                reader.warnings.append("\(value.location): \(reference) is not set; the admin API stays closed")
            case nil: break
            }
        }
        return nil
    }
}

/// `router_settings`: `enable_tag_filtering` turns tags into an access rule.
enum RouterSettingsSection {
    static func read(_ node: ConfigNode, into settings: inout GateSettings, reader: inout ConfigReader) {
        for (name, value) in reader.members(node) ?? [] where name == "enable_tag_filtering" && !value.isNull {
            settings.tagFilteringEnabled = reader.bool(value) ?? false
        }
    }
}

/// `modelgate_settings`: modelgate's own knobs, every one optional.
enum ModelgateSettingsSection {
    static func read(_ node: ConfigNode, into settings: inout GateSettings, reader: inout ConfigReader) {
        for (name, value) in reader.members(node) ?? [] where !value.isNull {
            switch name {
            case "max_body_bytes":
                if let limit = reader.positiveInt(value) { settings.maxBodyBytes = limit }
            case "mount_prefixes":
                guard let prefixes = reader.strings(value) else { continue }
                for prefix in prefixes where !prefix.hasPrefix("/") || prefix.count < 2 || prefix.hasSuffix("/") {
                    reader.problem(value, "mount prefix '\(prefix)' must look like /name")
                }
                settings.mountPrefixes = prefixes
            case "modelless_routes":
                guard let routes = reader.strings(value) else { continue }
                for route in routes {
                    let pieces = route.split(separator: " ", omittingEmptySubsequences: true)
                    if pieces.count != 2 || !pieces[1].hasPrefix("/") {
                        reader.problem(value, "modelless route '\(route)' must look like 'GET /v1/models'")
                    }
                }
                settings.modellessRoutes = routes
            default:
                reader.warnings.append("\(value.location): unknown modelgate_settings field '\(name)' ignored")
            }
        }
    }
}
