#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the fields of a `multipart/form-data` body that name models (OpenAI audio and image
/// uploads, files, realtime calls), the way Starlette and python-multipart read them, and refuses
/// what they could read another way (CONTRACT §3):
///
/// - the body starts with the first delimiter `--boundary` (python-multipart skips leading CR and
///   LF, and everything up to the next `-` after them, where an RFC reader sees a preamble);
/// - parts are delimited by `CRLF--boundary`, followed by CRLF (another part) or `--` (the end); a
///   body whose closing delimiter is missing is truncated;
/// - every part has one `Content-Disposition` with a `name`, read by `HeaderParameters`; header
///   names are tokens (python-multipart refuses anything else);
/// - at most `FormFields.maxParts` parts; the fields themselves are read by `FormFields`.
public enum MultipartScanner {
    /// The boundary parameter of a `multipart/form-data` content type, or nil if it is not one
    /// or its parameters could be read two ways (`HeaderParameters`), or the boundary is outside
    /// RFC 2046's alphabet.
    public static func boundary(fromContentType contentType: String) -> String? {
        guard let parsed = try? HeaderParameters.parse(contentType, mediaType: true),
              parsed.value == "multipart/form-data", let boundary = parsed["boundary"],
              isBoundary(Substring(boundary))
        else { return nil }
        return boundary
    }

    /// RFC 2046 `boundary`: 1 to 70 of `bchars`, not ending in a space.
    static func isBoundary(_ value: Substring) -> Bool {
        guard (1...70).contains(value.utf8.count), value.utf8.last != UInt8(ascii: " ") else { return false }
        return value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return true
            default:
                return "'()+_,-./:=? ".utf8.contains(byte)
            }
        }
    }

    /// The `model` field's value (nil when absent).
    public static func modelField(in body: [UInt8], boundary: String) throws(BodyProblem) -> String? {
        try scan(body, boundary: boundary).model
    }

    /// Reads every part and returns what its fields name.
    public static func scan(_ body: [UInt8], boundary: String) throws(BodyProblem) -> BodyFacts {
        guard (1...70).contains(boundary.utf8.count) else { throw BodyProblem("invalid multipart boundary") }
        let delimiter = Array("--\(boundary)".utf8)
        guard body.starts(with: delimiter) else {
            throw BodyProblem("the multipart body does not start with its boundary delimiter", at: 0)
        }
        var position = delimiter.count
        var fields = FormFields()
        var parts = 0
        let partDelimiter = Array("\r\n--\(boundary)".utf8)
        while true {
            // After a delimiter: `--` closes the body, CRLF opens a part.
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") {
                return fields.facts
            }
            guard body.count >= position + 2, body[position] == 0x0D, body[position + 1] == 0x0A else {
                throw BodyProblem("malformed multipart delimiter line", at: position)
            }
            position += 2
            parts += 1
            if parts > FormFields.maxParts { throw BodyProblem("more than \(FormFields.maxParts) multipart parts") }
            let headersEnd: Int
            if body.count >= position + 2, body[position] == 0x0D, body[position + 1] == 0x0A {
                headersEnd = position  // no headers at all
            } else {
                guard let end = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: position) else {
                    throw BodyProblem("a multipart part's headers are not terminated", at: position)
                }
                headersEnd = end
            }
            let name = try fieldName(headers: body[position..<headersEnd], at: position)
            let contentStart = headersEnd + (headersEnd == position ? 2 : 4)
            guard let contentEnd = find(partDelimiter, in: body, from: contentStart) else {
                throw BodyProblem("the multipart body is truncated (no closing boundary)", at: contentStart)
            }
            try fields.add(name: name, value: body[contentStart..<contentEnd])
            position = contentEnd + partDelimiter.count
        }
    }

    /// The `name` parameter of a part's one `Content-Disposition` header.
    private static func fieldName(headers: ArraySlice<UInt8>, at offset: Int) throws(BodyProblem) -> String {
        guard let text = String(validating: headers, as: UTF8.self) else {
            throw BodyProblem("multipart part headers are not UTF-8", at: offset)
        }
        var disposition: HeaderParameters?
        if !headers.isEmpty {
            for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
                guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else {
                    throw BodyProblem("a malformed multipart part header", at: offset)
                }
                let headerName = line[..<colon]
                guard !headerName.isEmpty, headerName.utf8.allSatisfy(HeaderParameters.isTokenByte) else {
                    throw BodyProblem("a multipart part header name that is not a token", at: offset)
                }
                guard headerName.lowercased() == "content-disposition" else { continue }
                if disposition != nil { throw BodyProblem("a part with two Content-Disposition headers", at: offset) }
                do throws(BodyProblem) {
                    disposition = try HeaderParameters.parse(line[line.utf8.index(after: colon)...], mediaType: false)
                } catch {
                    throw BodyProblem("a multipart Content-Disposition: \(error.message)", at: offset)
                }
            }
        }
        guard let name = disposition?["name"] else {
            throw BodyProblem("a multipart part without a Content-Disposition name", at: offset)
        }
        return name
    }

    /// First index of `needle` in `haystack` at or after `start` (memchr on the first byte).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count - start >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay -> Int? in
            needle.withUnsafeBufferPointer { pin -> Int? in
                let base = hay.baseAddress!
                var position = start
                let last = hay.count - pin.count
                while position <= last {
                    guard let hit = memchr(base + position, Int32(first), last - position + 1) else { return nil }
                    let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + index, pin.baseAddress!, pin.count) == 0 { return index }
                    position = index + 1
                }
                return nil
            }
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: SubSequence {
        var slice = self[...]
        // A Character equal to " " or "\t" is that one byte, so ends that are neither byte
        // leave nothing to trim (the usual case: no walk by Characters).
        let ends = utf8.withContiguousStorageIfAvailable { bytes in bytes.first.map { ($0, bytes[bytes.count - 1]) } }
        if let (first, last) = ends ?? nil, first != 0x20, first != 0x09, last != 0x20, last != 0x09 {
            return slice
        }
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
