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
        var data = [0x0D, 0x0A] + body
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
            guard let disposition, let name = parseOptions(disposition)["name"] else { return nil }
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
    static func parseOptions(_ value: String) -> [String: String] {
        var options: [String: String] = [:]
        for segment in parseParam(value).dropFirst() {
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

    /// python's `email.message._parseparam` as vendored by python-multipart.
    static func parseParam(_ text: String) -> [String] {
        let s = Array((";" + text).unicodeScalars)
        var list: [String] = []
        var start = 0
        func find(_ c: Unicode.Scalar, from: Int, to: Int? = nil) -> Int {
            var i = from
            while i < (to ?? s.count) { if s[i] == c { return i }; i += 1 }
            return -1
        }
        func count(_ needle: [Unicode.Scalar], _ from: Int, _ to: Int) -> Int {
            guard from < to else { return 0 }
            var n = 0, i = from
            while i + needle.count <= to {
                if Array(s[i..<(i + needle.count)]) == needle { n += 1; i += needle.count } else { i += 1 }
            }
            return n
        }
        while start < s.count, s[start] == ";" {
            start += 1
            var end = find(";", from: start)
            var ind = start, diff = 0
            while end > 0 {
                diff += count(["\""], ind, end) - count(["\\", "\""], ind, end)
                if diff % 2 == 0 { break }
                (end, ind) = (ind, find(";", from: end + 1))
                // python: `end, ind = ind, s.find(";", end + 1)` evaluates the right side first.
            }
            if end < 0 { end = s.count }
            let equals = find("=", from: start, to: end)
            var field: String
            if equals == -1 {
                field = String(String.UnicodeScalarView(s[start..<end]))
            } else {
                let key = String(String.UnicodeScalarView(s[start..<equals])).trimmingTrailing(" \t").lowercased()
                let val = String(String.UnicodeScalarView(s[(equals + 1)..<end])).trimmingLeading(" \t")
                field = key + "=" + val
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
