#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the `model` field of a `multipart/form-data` body (OpenAI audio and image uploads),
/// which may come before or after the file part.
///
/// Parts are delimited by `CRLF--boundary`; a body whose closing delimiter is missing is
/// truncated, and a repeated `model` field is ambiguous (frameworks disagree on which wins).
public enum MultipartScanner {
    /// The boundary parameter of a `multipart/form-data` content type, or nil if it is not one
    /// or its boundary could be read two ways.
    ///
    /// python-multipart (Starlette, so LiteLLM) keeps the last of two `boundary` parameters and
    /// a quoted `;` inside one; reading the first, or splitting at that `;`, would scan another
    /// body structure than the upstream's. So a repeated boundary, an unbalanced quote and a
    /// character outside RFC 2046's boundary alphabet all give nil (→ `malformed_body`).
    public static func boundary(fromContentType contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingSpaces }
        guard let kind = pieces.first, kind.lowercased() == "multipart/form-data" else { return nil }
        var boundary: String?
        for parameter in pieces.dropFirst() {
            if hasUnbalancedQuote(parameter) { return nil }
            guard let equals = parameter.firstIndex(of: "=") else { continue }
            guard parameter[..<equals].trimmingSpaces.lowercased() == "boundary" else { continue }
            if boundary != nil { return nil }
            var value = parameter[parameter.index(after: equals)...].trimmingSpaces
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = value.dropFirst().dropLast()
            }
            guard isBoundary(value) else { return nil }
            boundary = String(value)
        }
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

    /// An odd number of `"`: a quoted string held a `;` and was cut by the split.
    static func hasUnbalancedQuote(_ text: Substring) -> Bool {
        text.utf8.reduce(0) { $1 == UInt8(ascii: "\"") ? $0 + 1 : $0 } % 2 != 0
    }

    /// Reads every part's headers and returns the `model` field's value (nil when absent).
    public static func modelField(in body: [UInt8], boundary: String) throws(BodyProblem) -> String? {
        let delimiter = Array("--\(boundary)".utf8)
        guard (1...70).contains(boundary.utf8.count) else { throw BodyProblem("invalid multipart boundary") }
        // The first delimiter may open the body or follow a preamble line.
        var position: Int
        if body.starts(with: delimiter) {
            position = delimiter.count
        } else if let found = find(Array("\r\n--\(boundary)".utf8), in: body, from: 0) {
            position = found + delimiter.count + 2
        } else {
            throw BodyProblem("the multipart body has no boundary")
        }
        var model: String?
        let partDelimiter = Array("\r\n--\(boundary)".utf8)
        while true {
            // After a delimiter: `--` closes the body, CRLF opens a part.
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") {
                return model
            }
            guard body.count >= position + 2, body[position] == 0x0D, body[position + 1] == 0x0A else {
                throw BodyProblem("malformed multipart delimiter line", at: position)
            }
            position += 2
            guard let headersEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: position) else {
                throw BodyProblem("a multipart part's headers are not terminated", at: position)
            }
            let name = try fieldName(headers: body[position..<headersEnd], at: position)
            let contentStart = headersEnd + 4
            guard let contentEnd = find(partDelimiter, in: body, from: contentStart) else {
                throw BodyProblem("the multipart body is truncated (no closing boundary)", at: contentStart)
            }
            if name == "model" {
                if model != nil { throw BodyProblem("the form field 'model' appears more than once", at: position) }
                guard let value = String(validating: body[contentStart..<contentEnd], as: UTF8.self) else {
                    throw BodyProblem("the form field 'model' is not UTF-8", at: contentStart)
                }
                model = value
            }
            position = contentEnd + partDelimiter.count
        }
    }

    /// The `name` parameter of a part's `Content-Disposition: form-data` header.
    private static func fieldName(headers: ArraySlice<UInt8>, at offset: Int) throws(BodyProblem) -> String? {
        guard let text = String(validating: headers, as: UTF8.self) else {
            throw BodyProblem("multipart part headers are not UTF-8", at: offset)
        }
        var name: String?
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: ":") else {
                throw BodyProblem("a malformed multipart part header", at: offset)
            }
            guard line[..<colon].trimmingSpaces.lowercased() == "content-disposition" else { continue }
            if name != nil { throw BodyProblem("a part with two Content-Disposition headers", at: offset) }
            // Read the parameters as python-multipart does (spaces around '=' dropped, keys in any
            // case), and refuse what it reads differently: it ignores `name*=`, keeps quoted ';'
            // whole and lets a later `name` win; a field it calls "model" must be ours too.
            for parameter in line[line.index(after: colon)...].split(separator: ";").dropFirst() {
                if hasUnbalancedQuote(parameter) { throw BodyProblem("a multipart part header with an unbalanced quote", at: offset) }
                guard let equals = parameter.firstIndex(of: "=") else { continue }
                let key = parameter[..<equals].trimmingSpaces.lowercased()
                if key.hasPrefix("name*") { throw BodyProblem("a multipart part named with an extended name* parameter", at: offset) }
                guard key == "name" else { continue }
                if name != nil { throw BodyProblem("a multipart part with two name parameters", at: offset) }
                var value = parameter[parameter.index(after: equals)...].trimmingSpaces
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
                if value.contains("\\") { throw BodyProblem("a multipart part name with a backslash escape", at: offset) }
                name = String(value)
            }
            if name == nil { name = "" }
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
