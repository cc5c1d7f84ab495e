import Foundation
import ModelgateTestSupport

/// Replicas on a PostgreSQL cluster of their own (a suite that stops the database must not
/// disturb the others, which share `PostgresCluster.shared`), with `ReplicaTests.config` plus
/// `extraConfig`. `close()` kills the replicas, stops the cluster and removes the folder.
final class ReplicaFleet: @unchecked Sendable {
    let cluster: PostgresCluster
    let url: String
    let folder: URL
    let replicas: [Replica]

    init(count: Int, extraConfig: String = "") throws {
        cluster = try PostgresCluster()
        url = try cluster.createDatabase(prefix: "fleet")
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configFile = folder.appendingPathComponent("config.yaml")
        try Data((ReplicaTests.config + "\n" + extraConfig).utf8).write(to: configFile)
        let (url, folder) = (url, folder)
        replicas = try (0..<count).map { try Replica.start(index: $0, url: url, config: configFile, folder: folder) }
    }

    func waitReady() async throws {
        for replica in replicas { try await replica.waitReady() }
    }

    func close() {
        for replica in replicas { replica.send(SIGKILL) }
        cluster.stop(immediate: true)
        try? FileManager.default.removeItem(at: folder)
    }
}
