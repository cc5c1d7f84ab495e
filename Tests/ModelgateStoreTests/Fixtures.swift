import Foundation
import Logging
import ModelgateCore
import Synchronization
import ModelgateTestSupport
@testable import ModelgateStore

/// SQLite by default, PostgreSQL with `MODELGATE_TEST_BACKEND=postgres` (ModelgateTestSupport).
typealias TestBackend = ModelgateTestSupport.TestBackend

/// A fresh directory under the system temp dir, removed by `cleanup()`, and a fresh database
/// (a file in it, or a new PostgreSQL database).
struct TemporaryDirectory {
    let url: URL
    /// A SQLite path or a PostgreSQL URL (`TestBackend`).
    let databasePath: String

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        databasePath = try TestBackend.freshDatabase(sqlitePath: url.appendingPathComponent("modelgate.sqlite").path)
    }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Log lines captured in memory, to assert what they never contain.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }
    var text: String { all.joined(separator: "\n") }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    func logger() -> Logger {
        Logger(label: "test", factory: { _ in CapturingHandler(sink: self) })
    }

    private struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            sink.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
    }
}

let masterKey = "sk-master-0123456789"
let secretKey = "a-long-secret-for-credential-encryption"

/// The environment a test service runs with.
func environment(master: Bool = true, secret: Bool = true) -> [String: String] {
    var environment: [String: String] = [:]
    if master { environment["MODELGATE_MASTER_KEY"] = masterKey }
    if secret { environment["MODELGATE_SECRET_KEY"] = secretKey }
    return environment
}

/// One admin answer, its body parsed.
struct AdminAnswer {
    var status: Int
    var body: String
    var json: JSONValue

    subscript(_ field: String) -> JSONValue? { json.objectValue?[field] }

    /// `error.message` of an error answer.
    var errorMessage: String? { self["error"]?.objectValue?["message"]?.stringValue }
}

extension PolicyService {
    /// Sends one admin request as curl would: a JSON body text and the master key.
    func call(
        _ method: String, _ path: String, _ body: String = "", query: [(String, String)] = [],
        authorization: String? = "Bearer \(masterKey)"
    ) async throws -> AdminAnswer {
        var headers = HeaderFields()
        headers.add(name: "Content-Type", value: "application/json")
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        guard let response = await admin.handle(method: method, path: path, query: query, headers: headers, body: Array(body.utf8)) else {
            throw FixtureError("\(method) \(path) is not an admin route")
        }
        guard let json = JSONValue.parse(response.body) else {
            throw FixtureError("\(method) \(path) answered non-JSON: \(response.body)")
        }
        return AdminAnswer(status: response.status, body: response.body, json: json)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension JSONValue {
    subscript(_ field: String) -> JSONValue? { objectValue?[field] }
}

/// Tests log nowhere unless they capture.
let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

extension PolicyService {
    /// The SQLite storage behind a test service.
    var sqlite: SQLiteStorage { storage as! SQLiteStorage }
}
