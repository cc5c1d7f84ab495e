@testable import ModelgateGRPC

/// Convenience reads of a `CheckResponse`, as Envoy would apply it.
extension Envoy_Service_Auth_V3_CheckResponse {
    var isAllow: Bool { status.code == 0 && okResponseIfPresent != nil }

    var okResponseIfPresent: Envoy_Service_Auth_V3_OkHttpResponse? {
        if case .okResponse(let ok)? = httpResponse { return ok }
        return nil
    }

    var deniedResponseIfPresent: Envoy_Service_Auth_V3_DeniedHttpResponse? {
        if case .deniedResponse(let denied)? = httpResponse { return denied }
        return nil
    }

    /// Headers Envoy sets on the upstream request (allow) or the local reply (deny).
    var headerOptions: [Envoy_Config_Core_V3_HeaderValueOption] {
        okResponseIfPresent?.headers ?? deniedResponseIfPresent?.headers ?? []
    }

    /// Every value set under `name`, in order.
    func headerValues(_ name: String) -> [String] {
        headerOptions.filter { $0.header.key == name }.map(\.header.value)
    }

    func header(_ name: String) -> String? { headerValues(name).first }
}

extension Envoy_Config_Core_V3_HeaderValueOption {
    /// Overwrites under every Envoy version: `append` explicitly false and `append_action`
    /// OVERWRITE_IF_EXISTS_OR_ADD.
    var overwrites: Bool {
        hasAppend && append.value == false && appendAction == .overwriteIfExistsOrAdd
    }
}
