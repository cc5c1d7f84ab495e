#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level search in a string's UTF-8, for the hot path: delimiters (`?`, `#`, `/`) are
/// bytes to proxies and upstreams, and scanning contiguous bytes is far cheaper than walking
/// Characters or generic `String.UTF8View` indices.
extension String {
    /// Offset in `utf8` of the first `byte` at or after `start`, or nil.
    func utf8Offset(of byte: UInt8, from start: Int = 0) -> Int? {
        var text = self
        return text.withUTF8 { bytes in
            // memchr: the C library's vectorised search, several times faster than a loop.
            guard start >= 0, start < bytes.count, let base = bytes.baseAddress,
                  let hit = memchr(base + start, Int32(byte), bytes.count - start)
            else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
        }
    }

    /// Whether the UTF-8 text holds `byte`.
    func containsByte(_ byte: UInt8) -> Bool { utf8Offset(of: byte) != nil }

    /// The index `offset` bytes into `utf8` (constant time for native strings).
    func utf8Index(at offset: Int) -> String.Index {
        utf8.index(utf8.startIndex, offsetBy: offset)
    }
}
