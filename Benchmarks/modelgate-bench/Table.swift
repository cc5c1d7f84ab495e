/// A result table, printed aligned on the terminal and as Markdown for BENCHMARKS.md.
struct Table {
    var title: String
    var columns: [String]
    var rows: [[String]] = []
    /// Lines under the table (what was measured, how).
    var notes: [String] = []

    init(_ title: String, columns: [String]) {
        self.title = title
        self.columns = columns
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    var text: String {
        let widths = columns.indices.map { column in
            ([columns[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out = "\n\(title)\n" + line(columns) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }

    var markdown: String {
        var out = "### \(title)\n\n"
        out += "| " + columns.joined(separator: " | ") + " |\n"
        out += "|" + columns.indices.map { $0 == 0 ? "---" : "---:" }.joined(separator: "|") + "|\n"
        for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
        if !notes.isEmpty { out += "\n" + notes.joined(separator: "\n") + "\n" }
        return out
    }
}

enum Format {
    /// Nanoseconds as µs with two decimals (`1.23 µs`).
    static func micros(_ nanos: Double) -> String {
        fixed(nanos / 1_000, digits: nanos < 100_000 ? 2 : 1) + " µs"
    }

    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (abs(value) * scale).rounded()
        let whole = Int(rounded / scale)
        let fraction = Int(rounded) - whole * Int(scale)
        let sign = value < 0 && rounded != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        let fractionText = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }

    static func rate(_ bytesPerSecond: Double) -> String {
        bytesPerSecond >= 1e9 ? fixed(bytesPerSecond / 1e9, digits: 2) + " GB/s" : fixed(bytesPerSecond / 1e6, digits: 0) + " MB/s"
    }

    static func bytes(_ count: Int) -> String {
        if count >= 1 << 20 { return fixed(Double(count) / Double(1 << 20), digits: count % (1 << 20) == 0 ? 0 : 1) + " MiB" }
        if count >= 1 << 10 { return fixed(Double(count) / Double(1 << 10), digits: count % (1 << 10) == 0 ? 0 : 1) + " KiB" }
        return "\(count) B"
    }

    static func allocations(_ value: Double) -> String {
        allocationCountingWorks ? fixed(value, digits: value < 10 && value != value.rounded() ? 1 : 0) : "n/a"
    }

    static func percent(_ fraction: Double) -> String { fixed(fraction * 100, digits: 0) + " %" }

    static func megabytes(kilobytes: Int) -> String { fixed(Double(kilobytes) / 1024, digits: 1) + " MiB" }
}
