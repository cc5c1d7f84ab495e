import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports for servers a test starts as separate processes (PostgreSQL, `modelgate serve`).
///
/// Taken below Linux's ephemeral range (32768-60999), where the kernel picks the local ports of
/// outgoing connections, and checked free by binding them, so a server's bind does not collide
/// with a client socket of a parallel test.
public enum FreePorts {
    static let range = 20_000..<32_000

    /// A port `p` such that `p ..< p + count` are free on 127.0.0.1 now.
    public static func pick(count: Int = 1) -> Int {
        for _ in 0..<200 {
            let first = Int.random(in: range.lowerBound..<(range.upperBound - count))
            if (first..<(first + count)).allSatisfy(isFree) { return first }
        }
        return Int.random(in: range.lowerBound..<(range.upperBound - count))
    }

    static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
