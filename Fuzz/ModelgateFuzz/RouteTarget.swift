import ModelgateCore

/// `CanonicalPath.parse` + `RouteTable.match` on arbitrary request targets.
///
/// Invariants: the parse agrees with the plain reference reading of the contract (accept or
/// reject, decoded segments, query); an accepted path re-encoded canonically parses to the same
/// segments; no route admits a decoded `/` outside a Bedrock model id, nor a Bedrock id with an
/// empty, `.` or `..` part; matching is deterministic.
enum RouteTarget {
    static let target = FuzzTarget(name: "route", prepare: { VectorSnapshots.load() }, run: run)

    static func run(_ input: [UInt8]) {
        guard let target = String(validating: input, as: UTF8.self) else {
            // What an adapter would hand over after replacing invalid bytes.
            check(String(decoding: input, as: UTF8.self), input: input)
            return
        }
        check(target, input: input)
    }

    static func check(_ target: String, input: [UInt8]) {
        let parsed = CanonicalPath.parse(target)
        let reference = ReferenceTarget.parse(target)
        switch (parsed, reference) {
        case (.failure, nil):
            return
        case (.failure(let problem), .some):
            Invariant.fail("CanonicalPath rejects (\(problem)) what the contract's reading accepts", input: input)
        case (.success(let path), nil):
            Invariant.fail("CanonicalPath accepts \(path.segments.map(\.decoded)) what the contract's reading rejects", input: input)
        case (.success(let path), .some(let expected)):
            Invariant.check(
                path.segments.count == expected.segments.count
                    && zip(path.segments, expected.segments).allSatisfy { $0.decoded.sameBytes($1) }
                    && path.segments.map(\.hasEncodedSlash) == expected.encodedSlash,
                "decoded segments differ: \(path.segments.map(\.decoded)) vs \(expected.segments)", input: input)
            Invariant.check(
                path.query.pairs.count == expected.queryOrder.count
                    && zip(path.query.pairs, expected.queryOrder).allSatisfy { $0.name.sameBytes($1) && $0.value.sameBytes(expected.query[$1]) },
                "query differs: \(path.query.pairs) vs \(expected.query)", input: input)
            roundTrip(path, input: input)
            match(path, input: input)
        }
    }

    /// Canonical re-encoding reads back as the same segments.
    static func roundTrip(_ path: CanonicalPath, input: [UInt8]) {
        let encoded = "/" + path.segments.map { ReferenceTarget.encodeSegment($0.decoded) }.joined(separator: "/")
        guard case .success(let again) = CanonicalPath.parse(encoded) else {
            Invariant.fail("the canonical re-encoding \(encoded.debugDescription) does not parse", input: input)
        }
        Invariant.check(
            again.segments.map(\.decoded) == path.segments.map(\.decoded),
            "re-encoding changed the segments: \(again.segments.map(\.decoded))", input: input)
    }

    static func match(_ path: CanonicalPath, input: [UInt8]) {
        for entry in VectorSnapshots.entries {
            for method in ["POST", "GET"] {
                let first = RouteTable.match(path, method: method, in: entry.snapshot)
                let second = RouteTable.match(path, method: method, in: entry.snapshot)
                Invariant.check(first == second, "RouteTable.match is not deterministic", input: input)
                guard case .success(.model(let route)) = first else {
                    if case .success = first {
                        Invariant.check(
                            !path.segments.contains(where: \.hasEncodedSlash),
                            "a non-model route was accepted with an encoded '/'", input: input)
                    }
                    continue
                }
                if path.segments.contains(where: \.hasEncodedSlash) {
                    Invariant.check(route.family == .bedrock, "an encoded '/' accepted on a \(route.family) route", input: input)
                    Invariant.check(
                        path.segments.filter(\.hasEncodedSlash).count == 1,
                        "more than one segment with an encoded '/' accepted", input: input)
                }
                if route.family == .bedrock, let id = route.pathModel {
                    let parts = id.split(separator: "/", omittingEmptySubsequences: false)
                    Invariant.check(
                        parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." },
                        "a Bedrock id with an empty or dot part was accepted: \(id.debugDescription)", input: input)
                    Invariant.check(
                        path.segments.contains { $0.decoded.sameBytes(id) },
                        "the Bedrock id is not one decoded segment", input: input)
                }
                if route.family != .bedrock, let model = route.pathModel, route.pathModelSource == .path {
                    Invariant.check(!model.isEmpty, "an empty path model was accepted", input: input)
                }
            }
        }
    }
}
