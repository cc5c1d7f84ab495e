@testable import ModelgateGRPC

/// What Envoy does with an `OkHttpResponse`, in its order (ext_authz.cc): set `headers`
/// (overwrite or append per option), then remove `headers_to_remove`; set
/// `query_parameters_to_set`, then remove `query_parameters_to_remove`. Lets a test assert what
/// the upstream would receive, not only what the response lists.
enum EnvoySimulation {
    static func upstreamHeaders(
        client: [(String, String)], applying ok: Envoy_Service_Auth_V3_OkHttpResponse
    ) -> [String: [String]] {
        var headers: [String: [String]] = [:]
        for (name, value) in client { headers[name.lowercased(), default: []].append(value) }
        for option in ok.headers {
            let name = option.header.key.lowercased()
            let appends = option.hasAppend ? option.append.value : option.appendAction == .appendIfExistsOrAdd
            if appends, let existing = headers[name] {
                headers[name] = existing + [option.header.value]
            } else {
                headers[name] = [option.header.value]
            }
        }
        for name in ok.headersToRemove { headers[name.lowercased()] = nil }
        return headers
    }

    static func upstreamQuery(
        client: [(String, String)], applying ok: Envoy_Service_Auth_V3_OkHttpResponse
    ) -> [String: String] {
        var query: [String: String] = [:]
        for (name, value) in client { query[name] = value }
        for parameter in ok.queryParametersToSet { query[parameter.key] = parameter.value }
        for name in ok.queryParametersToRemove { query[name] = nil }
        return query
    }
}
