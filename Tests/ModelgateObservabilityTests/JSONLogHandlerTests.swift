import Foundation
import Logging
import ModelgateObservability
import Synchronization
import Testing

/// `--log-format json`: one JSON object per line, whatever the values hold.
@Suite("JSON log handler")
struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let captured = Mutex<[String]>([])

        func logger(label: String = "modelgate") -> Logger {
            var logger = Logger(label: label) { label in
                var handler = JSONLogHandler(label: label, sink: JSONLogHandler.Sink { line in self.captured.withLock { $0.append(line) } })
                handler.logLevel = .trace
                return handler
            }
            logger.logLevel = .trace
            return logger
        }

        var all: [String] { captured.withLock { $0 } }
    }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
    }

    @Test func eachEventIsOneParsableLine() throws {
        let lines = Lines()
        let logger = lines.logger()
        logger.warning("reload rejected", metadata: ["path": "/etc/modelgate.yaml", "count": .stringConvertible(3)])
        logger.info("second")
        try #require(lines.all.count == 2)
        for line in lines.all {
            #expect(line.hasSuffix("}\n"))
            #expect(line.dropLast().firstIndex(of: "\n") == nil)
        }
        let first = try Self.object(lines.all[0])
        #expect(first["level"] as? String == "warning")
        #expect(first["label"] as? String == "modelgate")
        #expect(first["msg"] as? String == "reload rejected")
        #expect(first["path"] as? String == "/etc/modelgate.yaml")
        #expect(first["count"] as? String == "3")
        #expect((first["ts"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func controlCharactersCannotForgeALine() throws {
        let lines = Lines()
        lines.logger().info("a\nb", metadata: ["model": "x\n{\"level\":\"critical\"}\r\u{1B}[31m"])
        try #require(lines.all.count == 1)
        let line = lines.all[0]
        #expect(line.dropLast().unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F })
        let object = try Self.object(line)
        #expect(object["msg"] as? String == "a\nb")
        #expect(object["model"] as? String == "x\n{\"level\":\"critical\"}\r\u{1B}[31m")
    }

    @Test func metadataCannotOverwriteTheReservedFields() throws {
        let lines = Lines()
        lines.logger().info("real", metadata: ["level": "critical", "msg": "forged", "ts": "0", "label": "other"])
        let object = try Self.object(try #require(lines.all.first))
        #expect(object["level"] as? String == "info")
        #expect(object["msg"] as? String == "real")
        #expect(object["label"] as? String == "modelgate")
    }

    @Test func nestedMetadataStaysJSON() throws {
        let lines = Lines()
        lines.logger().info("nested", metadata: ["list": ["a", "b"], "map": ["k": "v"]])
        let object = try Self.object(try #require(lines.all.first))
        #expect(object["list"] as? [String] == ["a", "b"])
        #expect(object["map"] as? [String: String] == ["k": "v"])
    }
}
