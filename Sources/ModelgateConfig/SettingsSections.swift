import ModelgateCore

/// `general_settings`: `master_key`, and the LiteLLM settings that change authentication, which
/// modelgate does not apply (one warning each, so an operator knows).
enum GeneralSettingsSection {
    /// LiteLLM `general_settings` fields that decide who may call what; modelgate's own rules
    /// (CONTRACT §4–§6) apply instead.
    static let authSettings: [String] = [
        "custom_auth", "custom_auth_settings", "custom_auth_run_common_checks", "enable_jwt_auth",
        "litellm_jwtauth", "enable_oauth2_auth", "enable_oauth2_proxy_auth", "oauth2_config_mappings",
        "pass_through_endpoints", "allowed_routes", "admin_only_routes", "public_routes", "allowed_ips",
        "litellm_key_header_name", "allow_client_side_credentials", "enforce_rbac", "role_permissions",
        "enforce_user_param", "user_header_mappings", "user_header_name", "allow_user_auth",
        "custom_key_generate", "custom_sso", "enable_enterprise_auth",
    ]

    /// The resolved master key, if any.
    static func read(_ node: ConfigNode, reader: inout ConfigReader) -> String? {
        var masterKey: String?
        let auth = Set(authSettings)
        for (name, value) in reader.members(node, reading: auth.union(["master_key"])) ?? [] where !value.isNull {
            if auth.contains(name) {
                reader.warnings.append("\(value.location): LiteLLM changes authentication with general_settings.\(name); modelgate does not apply it (keys, teams and users are checked as modelgate documents)")
                continue
            }
            guard name == "master_key" else { continue }
            switch reader.secret(value) {
            case .value(let key): masterKey = key
            case .unset(let reference):
                reader.warnings.append("\(value.location): \(reference) is not set; the admin API stays closed")
            case nil: break
            }
        }
        return masterKey
    }
}

/// `environment_variables`: values for `os.environ/NAME` where the process environment has none.
enum EnvironmentVariablesSection {
    static func read(_ node: ConfigNode, reader: inout ConfigReader) {
        for (name, value) in reader.members(node) ?? [] where !value.isNull {
            guard let text = reader.string(value) else { continue }
            if reader.environment[name] == nil { reader.environment[name] = text }
        }
    }
}

/// `router_settings`: `enable_tag_filtering` turns tags into an access rule.
enum RouterSettingsSection {
    static func read(_ node: ConfigNode, into settings: inout GateSettings, reader: inout ConfigReader) {
        for (name, value) in reader.members(node, reading: ["enable_tag_filtering"]) ?? [] where name == "enable_tag_filtering" && !value.isNull {
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
            case "max_policy_staleness_seconds":
                guard let seconds = value.node.int.map(Double.init) ?? value.node.float, seconds > 0, seconds.isFinite else {
                    reader.problem(value, "expected a number of seconds above 0")
                    continue
                }
                settings.maxPolicyStaleness = seconds
            case "request_head_timeout_seconds", "keepalive_idle_timeout_seconds", "request_body_timeout_seconds",
                 "grpc_rpc_timeout_seconds",
                 "max_buffered_body_bytes", "max_admin_body_bytes", "grpc_max_concurrent_streams", "grpc_max_message_bytes":
                readLimit(name, value, into: &settings.limits, reader: &reader)
            default:
                reader.warnings.append("\(value.location): unknown modelgate_settings field '\(name)' ignored")
            }
        }
    }

    /// The limits of CONTRACT §4: timeouts in seconds (fractions allowed), sizes in bytes.
    private static func readLimit(_ name: String, _ value: ConfigNode, into limits: inout FrontLimits, reader: inout ConfigReader) {
        if name.hasSuffix("_seconds") {
            guard let seconds = value.node.int.map(Double.init) ?? value.node.float, seconds > 0, seconds <= 86_400 else {
                reader.problem(value, "expected a number of seconds above 0 and at most 86400")
                return
            }
            let duration = Duration.milliseconds(Int64((seconds * 1000).rounded(.up)))
            switch name {
            case "request_head_timeout_seconds": limits.headTimeout = duration
            case "keepalive_idle_timeout_seconds": limits.idleTimeout = duration
            case "request_body_timeout_seconds": limits.bodyTimeout = duration
            default: limits.grpcRPCTimeout = duration
            }
            return
        }
        guard let number = reader.positiveInt(value) else { return }
        switch name {
        case "max_buffered_body_bytes": limits.maxBufferedBodyBytes = number
        case "max_admin_body_bytes": limits.maxAdminBodyBytes = number
        case "grpc_max_concurrent_streams": limits.grpcMaxConcurrentStreams = number
        default: limits.grpcMaxMessageBytes = number
        }
    }
}
