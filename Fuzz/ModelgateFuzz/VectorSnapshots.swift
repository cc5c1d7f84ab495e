import Foundation
import ModelgateCore
import ModelgateTestSupport

/// The vector files' configs as snapshots (decided against by the route and decision targets).
enum VectorSnapshots {
    struct Entry {
        var file: String
        var snapshot: PolicySnapshot
        /// Every provider credential value in the config: none may leak into a message.
        var secrets: [String]
    }

    nonisolated(unsafe) static var entries: [Entry] = []

    static func load() {
        guard entries.isEmpty else { return }
        do {
            entries = try TestVectors.all().map { suite in
                let snapshot = try suite.snapshot()
                var secrets = snapshot.catalog.deployments.compactMap { $0.apiKey?.reveal }
                secrets += snapshot.credentials.values.compactMap { $0.apiKey?.reveal }
                return Entry(file: suite.file, snapshot: snapshot, secrets: secrets.filter { $0.count >= 6 })
            }
        } catch {
            FileHandle.standardError.write(Data("cannot load the vector configs: \(error)\n".utf8))
            exit(2)
        }
    }

    /// The entry whose file name starts with `token`, else entry `index % count`.
    static func entry(token: Substring?) -> Entry {
        if let token, !token.isEmpty, let found = entries.first(where: { $0.file.hasPrefix(token) }) { return found }
        let index = token.flatMap { Int($0) } ?? 0
        return entries[abs(index % entries.count)]
    }
}
