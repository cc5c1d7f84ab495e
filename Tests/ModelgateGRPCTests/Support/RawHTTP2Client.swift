import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A deliberately tiny HTTP/2 client over a blocking socket, for what the gRPC client cannot do:
/// keep a request stream open on the wire (HEADERS and DATA sent, END_STREAM held back) so the
/// server has a check in flight while the test shuts it down. It speaks just enough HTTP/2:
/// the preface, SETTINGS and PING acknowledgements, HPACK literals without Huffman coding.
final class RawHTTP2Client: @unchecked Sendable {
    struct Frame {
        var type: UInt8
        var flags: UInt8
        var stream: UInt32
        var payload: [UInt8]

        static let data: UInt8 = 0x0, headers: UInt8 = 0x1, rstStream: UInt8 = 0x3
        static let settings: UInt8 = 0x4, ping: UInt8 = 0x6, goAway: UInt8 = 0x7, windowUpdate: UInt8 = 0x8
        var endStream: Bool { flags & 0x1 != 0 }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    private let socket: Int32
    private let lock = NSLock()
    private var received: [Frame] = []
    private var closed = false
    private var reader: Thread?

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(socket)
            throw Failure(description: "connect() failed")
        }
        send(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8))
        sendFrame(type: Frame.settings, flags: 0, stream: 0, payload: [])
        let thread = Thread { [self] in readLoop() }
        reader = thread
        thread.start()
    }

    deinit { close(socket) }

    func shutdown() {
        _ = Glibc.shutdown(socket, Int32(SHUT_RDWR))
    }

    /// Opens stream `id` with a gRPC request for `path` and sends `message` without ending it.
    func startGRPCRequest(stream id: UInt32, path: String, message: [UInt8]) {
        let headers = [
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1"),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ]
        var block: [UInt8] = []
        for (name, value) in headers {
            block.append(0x00)  // literal header field without indexing, new name
            block += Self.hpackString(name) + Self.hpackString(value)
        }
        sendFrame(type: Frame.headers, flags: 0x4, stream: id, payload: block)  // END_HEADERS
        let length = UInt32(message.count)
        let prefix: [UInt8] = [0, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        sendFrame(type: Frame.data, flags: 0, stream: id, payload: prefix + message)
    }

    func endStream(_ id: UInt32) {
        sendFrame(type: Frame.data, flags: 0x1, stream: id, payload: [])
    }

    var frames: [Frame] { lock.withLock { received } }

    /// The server's SETTINGS parameters (first SETTINGS frame that is not an ACK).
    var serverSettings: [UInt16: UInt32]? {
        guard let frame = frames.first(where: { $0.type == Frame.settings && $0.flags & 0x1 == 0 }) else { return nil }
        var settings: [UInt16: UInt32] = [:]
        var offset = 0
        while offset + 6 <= frame.payload.count {
            let p = frame.payload
            let id = UInt16(p[offset]) << 8 | UInt16(p[offset + 1])
            settings[id] = UInt32(p[offset + 2]) << 24 | UInt32(p[offset + 3]) << 16 | UInt32(p[offset + 4]) << 8 | UInt32(p[offset + 5])
            offset += 6
        }
        return settings
    }

    /// Waits (polling) until `condition` holds for the frames received so far.
    func waitFor(timeout: Duration = .seconds(5), _ condition: ([Frame]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(frames) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(frames)
    }

    /// The gRPC response message on `stream` (DATA payloads joined, 5-byte prefix removed).
    func grpcMessage(stream id: UInt32) -> [UInt8]? {
        let bytes = frames.filter { $0.type == Frame.data && $0.stream == id }.flatMap(\.payload)
        guard bytes.count >= 5 else { return nil }
        return Array(bytes.dropFirst(5))
    }

    private static func hpackString(_ string: String) -> [UInt8] {
        let bytes = Array(string.utf8)
        precondition(bytes.count < 127, "single-byte HPACK length only")
        return [UInt8(bytes.count)] + bytes
    }

    private func sendFrame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) {
        let length = UInt32(payload.count)
        let header: [UInt8] = [
            UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags,
            UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF),
        ]
        send(header + payload)
    }

    private func send(_ bytes: [UInt8]) {
        lock.withLock {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    private func readExactly(_ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let read = buffer[offset...].withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if read <= 0 { return nil }
            offset += read
        }
        return buffer
    }

    private func readLoop() {
        while let header = readExactly(9) {
            let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
            let stream = (UInt32(header[5]) << 24 | UInt32(header[6]) << 16 | UInt32(header[7]) << 8 | UInt32(header[8])) & 0x7FFF_FFFF
            guard let payload = readExactly(length) else { break }
            let frame = Frame(type: header[3], flags: header[4], stream: stream, payload: payload)
            lock.withLock { received.append(frame) }
            if frame.type == Frame.settings, frame.flags & 0x1 == 0 {
                sendFrame(type: Frame.settings, flags: 0x1, stream: 0, payload: [])
            } else if frame.type == Frame.ping, frame.flags & 0x1 == 0 {
                sendFrame(type: Frame.ping, flags: 0x1, stream: 0, payload: frame.payload)
            } else if frame.type == Frame.data, !frame.payload.isEmpty {
                // Give the connection's window back, so many answers can flow on one connection.
                let size = UInt32(frame.payload.count)
                sendFrame(type: Frame.windowUpdate, flags: 0, stream: 0,
                          payload: [UInt8(size >> 24 & 0x7F), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)])
            }
        }
        lock.withLock { closed = true }
    }
}
