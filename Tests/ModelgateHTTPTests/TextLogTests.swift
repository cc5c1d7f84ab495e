import Foundation
import Logging
import ModelgateObservability
import Synchronization
import Testing

/// The text log format: one event, one line, whatever a value holds (issue 18.5).
@Suite struct TextLogTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var sink: JSONLogHandler.Sink { JSONLogHandler.Sink { line in self.lines.withLock { $0.append(line) } } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func aValueCannotForgeALine() {
        let lines = Lines()
        var handler = TextLogHandler(label: "modelgate", sink: lines.sink)
        handler.logLevel = .trace
        let logger = Logger(label: "modelgate") { _ in handler }
        logger.warning("admin: request refused\nfake", metadata: [
            "path": "/credentials/x\n2026-01-01T00:00:00.000Z info modelgate: admin: key generated",
            "other": "a\r\u{1b}[2Jb",
            "spaced": "one two=three",
        ])
        let written = lines.all
        #expect(written.count == 1)
        let line = written[0]
        #expect(line.filter { $0 == "\n" || $0 == "\r" }.count == 1)
        #expect(line.hasSuffix("\n"))
        #expect(line.contains(#"x\n2026-01-01"#))
        #expect(line.contains(#"\u{1b}[2J"#))
        #expect(line.contains(#"spaced="one two=three""#))
        #expect(line.contains(" warning modelgate: admin: request refused\\nfake"))
    }

    @Test func aHugeValueIsCut() {
        let lines = Lines()
        let logger = Logger(label: "modelgate") { _ in TextLogHandler(label: "modelgate", sink: lines.sink) }
        logger.info("x", metadata: ["path": .string(String(repeating: "a", count: 70_000))])
        #expect(lines.all.count == 1)
        #expect(lines.all[0].utf8.count < 4096)
        #expect(LogFormat.text.makeHandler(level: .info)("x") is TextLogHandler)
    }
}
