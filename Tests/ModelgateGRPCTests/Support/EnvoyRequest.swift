import Foundation
@testable import ModelgateGRPC

/// Builds `CheckRequest`s the way Envoy's ext_authz filter fills them (measured with Envoy 1.40):
/// pseudo-headers in the header map, lower-case names, the raw path with its query, and with
/// `with_request_body` the body plus `x-envoy-auth-partial-body`.
enum EnvoyRequest {
    enum Packing {
        /// `pack_as_bytes: true`: exact bytes in `raw_body`.
        case rawBody
        /// The default: the body as a UTF-8 string in `body`.
        case bodyString
    }

    static func make(
        method: String, path: String, headers: [(String, String)], body: String?,
        packing: Packing = .rawBody, partial: Bool = false, host: String = "gateway.test"
    ) -> Envoy_Service_Auth_V3_CheckRequest {
        var http = Envoy_Service_Auth_V3_AttributeContext.HttpRequest()
        http.id = UUID().uuidString
        http.method = method
        http.path = path
        http.host = host
        http.scheme = "http"
        http.protocol = "HTTP/1.1"
        // Envoy sends the body bytes it had received when it asked (`bytesReceived`).
        http.size = Int64(body?.utf8.count ?? 0)
        var map: [String: String] = [
            ":method": method, ":path": path, ":authority": host, ":scheme": "http",
            "x-request-id": http.id,
        ]
        for (name, value) in headers {
            let name = name.lowercased()
            // Envoy joins repeated headers with ",".
            map[name] = map[name].map { "\($0),\(value)" } ?? value
        }
        if let body {
            let bytes = Data(body.utf8)
            switch packing {
            case .rawBody: http.rawBody = bytes
            case .bodyString: http.body = body
            }
            if map["content-length"] == nil, !partial { map["content-length"] = String(bytes.count) }
            map[CheckRequestMapping.partialBodyHeader] = partial ? "true" : "false"
        }
        http.headers = map

        var request = Envoy_Service_Auth_V3_CheckRequest()
        request.attributes.request.http = http
        request.attributes.request.time = .init(date: Date())
        request.attributes.source.service = "client"
        request.attributes.destination.service = "gateway"
        return request
    }
}
