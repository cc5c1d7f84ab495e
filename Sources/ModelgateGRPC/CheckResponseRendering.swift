import ModelgateCore
import SwiftProtobuf

/// A `Decision` → Envoy's `CheckResponse`.
///
/// Envoy applies an allow in this order: set `headers`, then `headers_to_remove`, then
/// `query_parameters_to_set` (never used: no secret goes into a URL), then
/// `query_parameters_to_remove`. A removal undoes a set of the same name, so no header
/// modelgate sets is ever listed for removal.
enum CheckResponseRendering {
    /// google.rpc.Code values Envoy reads from `CheckResponse.status`.
    enum RPCCode {
        static let ok: Int32 = 0
        static let permissionDenied: Int32 = 7
        static let unauthenticated: Int32 = 16
    }

    static func checkResponse(for decision: Decision) -> Envoy_Service_Auth_V3_CheckResponse {
        var response = Envoy_Service_Auth_V3_CheckResponse()
        if decision.allow {
            response.status = status(code: RPCCode.ok, message: "")
            response.okResponse = okResponse(for: decision)
        } else {
            let code = decision.status == 401 ? RPCCode.unauthenticated : RPCCode.permissionDenied
            response.status = status(code: code, message: decision.message)
            response.deniedResponse = deniedResponse(for: decision)
        }
        return response
    }

    static func okResponse(for decision: Decision) -> Envoy_Service_Auth_V3_OkHttpResponse {
        var ok = Envoy_Service_Auth_V3_OkHttpResponse()
        // The identity headers are always all present, so a client-sent copy is overwritten;
        // the provider credential replaces the client's key under the same header.
        let upstream = decision.upstreamHeaders(revealingSecrets: true)
        ok.headers = upstream.map { overwriting(name: $0.name, value: $0.value) }
        let setHeaders = Set(upstream.map { $0.name.lowercased() })
        ok.headersToRemove = unique(decision.removeHeaders.filter { !setHeaders.contains($0.lowercased()) })

        // The provider key travels only in a header (`x-goog-api-key` for Gemini), never in
        // the URL, where Envoy's and the upstream's access logs would keep it; a client's
        // `?key=` is removed. Query parameter names are case-sensitive in Envoy.
        ok.queryParametersToRemove = unique(decision.removeQueryParameters)
        return ok
    }

    static func deniedResponse(for decision: Decision) -> Envoy_Service_Auth_V3_DeniedHttpResponse {
        var denied = Envoy_Service_Auth_V3_DeniedHttpResponse()
        var status = Envoy_Type_V3_HttpStatus()
        // A denial must never look like success to the client; any 4xx/5xx travels (the enum
        // is open, listed in the .proto or not).
        let httpStatus = (400..<600).contains(decision.status) ? decision.status : 403
        status.code = Envoy_Type_V3_StatusCode(rawValue: httpStatus) ?? .forbidden
        denied.status = status
        denied.headers = decision.denyHeaders.map { overwriting(name: $0.name, value: $0.value) }
        denied.body = decision.errorBody
        return denied
    }

    /// A header option that replaces any existing value under any Envoy version: Envoy 1.40
    /// reads only `append` (false overwrites); newer Envoy reads `append_action` when `append`
    /// is unset and prefers `append` when set, so both say the same thing.
    static func overwriting(name: String, value: String) -> Envoy_Config_Core_V3_HeaderValueOption {
        var header = Envoy_Config_Core_V3_HeaderValue()
        header.key = name
        header.value = value
        var option = Envoy_Config_Core_V3_HeaderValueOption()
        option.header = header
        option.append = Google_Protobuf_BoolValue(false)
        option.appendAction = .overwriteIfExistsOrAdd
        return option
    }

    private static func status(code: Int32, message: String) -> Google_Rpc_Status {
        var status = Google_Rpc_Status()
        status.code = code
        status.message = message
        return status
    }

    /// Keeps the first occurrence of each name, in order.
    private static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
