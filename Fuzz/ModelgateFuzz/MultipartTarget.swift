import Foundation
import ModelgateCore

/// `MultipartScanner` on arbitrary bytes: the first line is the `Content-Type` value (or just
/// a boundary), the rest is the body.
///
/// Invariants: a prefix of the body is either rejected or read as the whole body; and when the
/// scanner names a `model`, a reading the way python-multipart (Starlette, hence LiteLLM)
/// reads parts either fails or names the same model — the upstream must never see another one.
enum MultipartTarget {
    static let target = FuzzTarget(name: "multipart", prepare: {}, run: run)

    static func run(_ input: [UInt8]) {
        let newline = input.firstIndex(of: 0x0A) ?? input.count
        let head = String(decoding: input[..<newline], as: UTF8.self)
        let body = newline < input.count ? Array(input[(newline + 1)...]) : []
        let boundary = MultipartScanner.boundary(fromContentType: head) ?? head
        guard !boundary.isEmpty else { return }

        let result: Result<String?, BodyProblem>
        do throws(BodyProblem) {
            result = .success(try MultipartScanner.modelField(in: body, boundary: boundary))
        } catch {
            result = .failure(error)
        }
        guard case .success(let model) = result else { return }

        for length in prefixLengths(body.count, seed: body) {
            if let prefix = try? MultipartScanner.modelField(in: Array(body[..<length]), boundary: boundary) {
                Invariant.check(
                    prefix == model,
                    "a \(length)-byte prefix names \(String(describing: prefix)), the whole body \(String(describing: model))",
                    input: input)
            }
        }
        if let model, let theirs = StarletteReading.modelField(body: body, boundary: boundary) {
            Invariant.check(
                theirs.sameBytes(model),
                "the scanner reads model \(model.debugDescription), python-multipart would read \(theirs.debugDescription)",
                input: input)
        }
    }
}

/// How python-multipart 0.0.x (under Starlette's `request.form()`, which LiteLLM reads with
/// `dict(...)`, so the last field of a name wins) names the fields of a body that splits into
/// parts the way `MultipartScanner` splits it. nil when it would fail or find no `model`.
enum StarletteReading {
    static func modelField(body: [UInt8], boundary: String) -> String? {
        let delimiter = Array("\r\n--\(boundary)".utf8)
        let data = [0x0D, 0x0A] + body
        guard let first = find(delimiter, in: data, from: 0) else { return nil }
        var position = first + delimiter.count
        var model: String?
        while true {
            guard position + 2 <= data.count else { return nil }
            if data[position] == UInt8(ascii: "-"), data[position + 1] == UInt8(ascii: "-") { return model }
            guard data[position] == 0x0D, data[position + 1] == 0x0A else { return nil }
            position += 2
            guard let headersEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: data, from: position) else { return nil }
            guard let contentEnd = find(delimiter, in: data, from: headersEnd + 4) else { return nil }
            var disposition: String?
            for line in split(Array(data[position..<headersEnd]), on: [0x0D, 0x0A]) {
                // python-multipart: header name up to ':', lower-cased; value stripped; a later
                // header of the same name replaces an earlier one.
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
                let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
                if name == "content-disposition" {
                    disposition = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(" \t")
                }
            }
            guard let disposition, let name = parseOptions(disposition)?["name"] else { return nil }
            if name == "model" {
                guard let value = String(validating: data[(headersEnd + 4)..<contentEnd], as: UTF8.self) else { return nil }
                model = value
            }
            position = contentEnd + delimiter.count
        }
    }

    /// python-multipart `parse_options_header`: `;`-separated parameters, quotes respected,
    /// whitespace around `=` dropped, keys lower-cased, `key*` parameters ignored, quoted values
    /// unescaped; a later parameter replaces an earlier one.
    static func parseOptions(_ value: String) -> [String: String]? {
        guard let segments = parseParam(value) else { return nil }
        var options: [String: String] = [:]
        for segment in segments.dropFirst() {
            let (key, _, rawValue) = partition(segment, at: "=")
            if key.contains("*") { continue }
            var val = rawValue
            if val.count >= 2, val.hasPrefix("\""), val.hasSuffix("\"") {
                val = String(val.dropFirst().dropLast()).replacingAll("\\\\", with: "\\").replacingAll("\\\"", with: "\"")
            }
            options[key] = val
        }
        return options
    }

    /// python-multipart's `_parseparam` (vendored from `email.message`), ported with Python's
    /// `str.find`/`str.count` index rules (negative indices count from the end). nil when its
    /// loop would not end (python-multipart would hang, never answer).
    static func parseParam(_ text: String) -> [String]? {
        let s = Array((";" + text).unicodeScalars)
        let n = s.count
        func clamp(_ i: Int) -> Int { i < 0 ? max(0, i + n) : min(i, n) }
        func find(_ c: Unicode.Scalar, _ from: Int, _ to: Int? = nil) -> Int {
            var i = clamp(from)
            let end = clamp(to ?? n)
            while i < end { if s[i] == c { return i }; i += 1 }
            return -1
        }
        func count(_ needle: [Unicode.Scalar], _ from: Int, _ to: Int) -> Int {
            var i = clamp(from), found = 0
            let end = clamp(to)
            while i + needle.count <= end {
                if Array(s[i..<(i + needle.count)]) == needle { found += 1; i += needle.count } else { i += 1 }
            }
            return found
        }
        func slice(_ from: Int, _ to: Int) -> String {
            let a = clamp(from), b = clamp(to)
            return a < b ? String(String.UnicodeScalarView(s[a..<b])) : ""
        }
        var list: [String] = []
        var start = 0
        var steps = 0
        while find(";", start) == start {
            start += 1
            var end = find(";", start)
            var ind = start, diff = 0
            while end > 0 {
                steps += 1
                if steps > 100_000 { return nil }
                diff += count(["\""], ind, end) - count(["\\", "\""], ind, end)
                if diff % 2 == 0 { break }
                (end, ind) = (ind, find(";", end + 1))
            }
            if end < 0 { end = n }
            let equals = find("=", start, end)
            var field: String
            if equals == -1 {
                field = slice(start, end)
            } else {
                field = slice(start, equals).trimmingTrailing(" \t").lowercased() + "=" + slice(equals + 1, end).trimmingLeading(" \t")
            }
            list.append(field.trimmingCharacters(" \t"))
            start = end
        }
        return list
    }

    static func partition(_ text: String, at separator: Character) -> (String, Bool, String) {
        guard let index = text.firstIndex(of: separator) else { return (text, false, "") }
        return (String(text[..<index]), true, String(text[text.index(after: index)...]))
    }

    static func split(_ bytes: [UInt8], on separator: [UInt8]) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        while let hit = find(separator, in: bytes, from: start) {
            pieces.append(bytes[start..<hit])
            start = hit + separator.count
        }
        pieces.append(bytes[start...])
        return pieces
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for i in start...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}

extension String {
    func trimmingCharacters(_ set: String) -> String { trimmingLeading(set).trimmingTrailing(set) }

    func trimmingLeading(_ set: String) -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, set.unicodeScalars.contains(first) { scalars = scalars.dropFirst() }
        return String(String.UnicodeScalarView(scalars))
    }

    func trimmingTrailing(_ set: String) -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let last = scalars.last, set.unicodeScalars.contains(last) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
