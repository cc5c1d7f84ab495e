import Foundation
import ModelgateConfig
import ModelgateCore

/// One vector file: a config and the cases decided against it.
public struct VectorSuite: Sendable {
    public var file: String
    public var configJSON: String
    public var cases: [VectorCase]

    /// The snapshot the cases are decided against (config loaded as YAML, which JSON is).
    public func snapshot(environment: [String: String] = [:]) throws -> PolicySnapshot {
        let config = try GatewayConfig.parse(yaml: configJSON, environment: environment)
        return PolicySnapshot(parts: config.parts)
    }
}

/// One case: a request and what must be decided.
public struct VectorCase: Sendable {
    public var name: String
    public var method: String
    /// Raw, percent-encoded, with query.
    public var path: String
    public var headers: [(String, String)]
    public var body: String?
    public var expect: VectorExpectation

    public var checkRequest: CheckRequest {
        CheckRequest(
            method: method, rawTarget: path, headers: HeaderFields(headers),
            body: .complete(Array((body ?? "").utf8)))
    }
}

/// Fields absent from a vector's `expect` are nil and not checked.
public struct VectorExpectation: Sendable {
    public var allow: Bool
    public var status: Int
    public var reason: String?
    public var modelGroup: String?
    public var provider: String?
    /// Each listed header must be set to exactly this value (names lower-case).
    public var upstreamHeaders: [String: String]
}

public enum TestVectors {
    /// Every `Vectors/*.json`, sorted by file name.
    public static func all() throws -> [VectorSuite] {
        guard let directory = Bundle.module.url(forResource: "Vectors", withExtension: nil) else {
            throw VectorError("Vectors folder missing from the test bundle")
        }
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { try load(Data(contentsOf: $0), file: $0.lastPathComponent) }
    }

    /// Parses one vector document (CONTRACT §7).
    public static func load(_ data: Data, file: String) throws -> VectorSuite {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let config = root["config"], let cases = root["cases"] as? [[String: Any]]
        else { throw VectorError("\(file): not a vector document") }
        let configData = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
        return VectorSuite(
            file: file,
            configJSON: String(decoding: configData, as: UTF8.self),
            cases: try cases.map { try parseCase($0, file: file) })
    }

    private static func parseCase(_ raw: [String: Any], file: String) throws -> VectorCase {
        guard let name = raw["name"] as? String,
              let request = raw["request"] as? [String: Any],
              let method = request["method"] as? String,
              let path = request["path"] as? String,
              let expect = raw["expect"] as? [String: Any],
              let allow = expect["allow"] as? Bool,
              let status = expect["status"] as? Int
        else { throw VectorError("\(file): case \(raw["name"] ?? "?") is incomplete") }
        let headers = (request["headers"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let upstream = expect["upstream_headers"] as? [String: String] ?? [:]
        return VectorCase(
            name: name, method: method, path: path, headers: headers, body: request["body"] as? String,
            expect: VectorExpectation(
                allow: allow, status: status, reason: expect["reason"] as? String,
                modelGroup: expect["model_group"] as? String, provider: expect["provider"] as? String,
                upstreamHeaders: Dictionary(uniqueKeysWithValues: upstream.map { ($0.key.lowercased(), $0.value) })))
    }
}

public struct VectorError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
