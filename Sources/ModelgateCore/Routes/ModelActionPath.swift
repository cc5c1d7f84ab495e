/// Google-style `models/{m}:{action}` tails, where `{m}` runs from after `models/` to the last
/// `:` and may span literal `/`s.
enum ModelActionPath {
    /// Splits the segments after `models` into (`{m}`, `{action}`); nil if either is empty.
    static func split(_ tail: ArraySlice<PathSegment>) -> (model: String, action: String)? {
        guard !tail.isEmpty else { return nil }
        let joined = tail.map(\.decoded).joined(separator: "/")
        guard let colon = joined.lastIndex(of: ":") else { return nil }
        let model = String(joined[..<colon])
        let action = String(joined[joined.index(after: colon)...])
        guard !model.isEmpty, !action.isEmpty, !action.contains("/") else { return nil }
        return (model, action)
    }
}
