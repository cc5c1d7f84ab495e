import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A bare TCP connection that speaks HTTP/1.1 by hand, so tests control every byte: announced
/// but unsent bodies, pipelined requests, HTTP/1.0, spoofed headers.
final class RawHTTPConnection: Sendable {
    private let channel: any Channel
    private let inbox: Inbox

    static func connect(port: Int) async throws -> RawHTTPConnection {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox)) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawHTTPConnection(channel: channel, inbox: inbox)
    }

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Sends one request; `Content-Length` is added for a body unless `announce` overrides it.
    func send(method: String, target: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
              announce contentLength: Int? = nil, version: String = "HTTP/1.1") async throws {
        try await send(Self.encode(method: method, target: target, headers: headers, body: body, announce: contentLength, version: version))
    }

    static func encode(method: String, target: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                       announce contentLength: Int? = nil, version: String = "HTTP/1.1") -> [UInt8] {
        var head = "\(method) \(target) \(version)\r\nHost: modelgate.test\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let length = contentLength ?? body?.count { head += "Content-Length: \(length)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    /// Reads one response (the server always sends `Content-Length`).
    func readResponse(timeout: Duration = .seconds(10), headRequest: Bool = false) async throws -> TestResponse {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let response = try inbox.takeResponse(headRequest: headRequest) { return response }
            if inbox.isClosed { throw TestClientError.closed(received: inbox.pendingText) }
            guard ContinuousClock.now < deadline else { throw TestClientError.timedOut(received: inbox.pendingText) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// True once the server has closed the connection (waits up to `timeout`).
    func waitForClose(timeout: Duration = .seconds(5)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !inbox.isClosed {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    func close() async {
        try? await channel.close()
    }

    /// One request, one response, on a fresh connection.
    static func exchange(port: Int, method: String, target: String, headers: [(String, String)] = [],
                         body: [UInt8]? = nil) async throws -> TestResponse {
        let connection = try await connect(port: port)
        defer { Task { await connection.close() } }
        try await connection.send(method: method, target: target, headers: headers, body: body)
        return try await connection.readResponse()
    }
}

/// A parsed response.
struct TestResponse: Sendable, CustomStringConvertible {
    var version: String
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    /// The first value of `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func headers(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    var description: String {
        "\(version) \(status)\n" + headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n\n" + body
    }
}

enum TestClientError: Error, CustomStringConvertible {
    case closed(received: String)
    case timedOut(received: String)
    case malformed(String)

    var description: String {
        switch self {
        case .closed(let received): return "connection closed; unparsed bytes: \(received.debugDescription)"
        case .timedOut(let received): return "no full response in time; unparsed bytes: \(received.debugDescription)"
        case .malformed(let why): return "malformed response: \(why)"
        }
    }
}

/// Bytes received so far, parsed into responses on demand.
private final class Inbox: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var closed = false
    }

    private let state = Mutex(State())

    func append(_ buffer: ByteBuffer) {
        state.withLock { $0.bytes.append(contentsOf: buffer.readableBytesView) }
    }

    func markClosed() {
        state.withLock { $0.closed = true }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    var pendingText: String { state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }

    func takeResponse(headRequest: Bool) throws -> TestResponse? {
        try state.withLock { state -> TestResponse? in
            let bytes = state.bytes
            guard let headEnd = Self.find([13, 10, 13, 10], in: bytes) else { return nil }
            let headText = String(decoding: bytes[..<headEnd], as: UTF8.self)
            var lines = headText.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
                throw TestClientError.malformed(headText)
            }
            let headers = lines.compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let length = headRequest ? 0 : Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
            let bodyStart = headEnd + 4
            guard bytes.count >= bodyStart + length else { return nil }
            state.bytes.removeFirst(bodyStart + length)
            return TestResponse(
                version: String(statusLine[0]), status: status, headers: headers,
                body: String(decoding: bytes[bodyStart..<(bodyStart + length)], as: UTF8.self))
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

private final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let inbox: Inbox

    init(inbox: Inbox) { self.inbox = inbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.append(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.markClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
