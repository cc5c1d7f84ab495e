/// Google-style `models/{m}:{action}` tails, where `{m}` runs from after `models/` to the last
/// `:` and may span literal `/`s.
enum ModelActionPath {
    /// Splits the segments after `models` into (`{m}`, `{action}`); nil if either is empty.
    static func split(_ tail: ArraySlice<PathSegment>) -> (model: String, action: String)? {
        guard !tail.isEmpty else { return nil }
        // `{m}` rarely spans segments: then there is nothing to join.
        var joined = tail.count == 1 ? tail[tail.startIndex].decoded : tail.map(\.decoded).joined(separator: "/")
        guard let colon = joined.withUTF8({ $0.lastIndex(of: UInt8(ascii: ":")) }) else { return nil }
        let model = String(joined[..<joined.utf8Index(at: colon)])
        let action = String(joined[joined.utf8Index(at: colon + 1)...])
        guard !model.isEmpty, !action.isEmpty, !action.containsByte(UInt8(ascii: "/")) else { return nil }
        return (model, action)
    }
}
