import Foundation

/// One fuzz target: takes arbitrary bytes, exercises part of the core, checks invariants.
struct FuzzTarget: Sendable {
    var name: String
    /// One-time setup before the first input (load snapshots).
    var prepare: @Sendable () -> Void
    var run: @Sendable ([UInt8]) -> Void
}

enum FuzzTargets {
    static let all: [FuzzTarget] = [RouteTarget.target, JSONScannerTarget.target, MultipartTarget.target, DecisionTarget.target]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// The target libFuzzer's C callback dispatches to (set once in main, before fuzzing).
    nonisolated(unsafe) static var selected: FuzzTarget?
    /// The replayed file's name, for failure messages.
    nonisolated(unsafe) static var currentInputName: String?
}

/// An invariant that must hold for every input. A failure prints what broke and aborts, so
/// libFuzzer saves the input as a crash file (and replay mode stops on it).
enum Invariant {
    static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, input: [UInt8]) {
        if condition() { return }
        fail(message(), input: input)
    }

    static func fail(_ message: String, input: [UInt8]) -> Never {
        let target = FuzzTargets.selected?.name ?? "?"
        let shown = String(decoding: input.prefix(2048), as: UTF8.self).debugDescription
        var text = "INVARIANT FAILED [\(target)]: \(message)\n  input (\(input.count) bytes): \(shown)\n"
        if let name = FuzzTargets.currentInputName { text += "  file: \(name)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        abort()
    }
}

/// Deterministic cut points for prefix checks: a few lengths spread over `count`.
func prefixLengths(_ count: Int, seed: [UInt8]) -> [Int] {
    guard count > 1 else { return count == 1 ? [0] : [] }
    var lengths: Set<Int> = [0, count - 1, count / 2]
    var state = UInt64(count) &* 0x9E37_79B9_7F4A_7C15
    for byte in seed.prefix(16) { state = (state ^ UInt64(byte)) &* 0x100_0000_01B3 }
    for _ in 0..<4 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        lengths.insert(Int(state >> 33) % count)
    }
    return lengths.sorted()
}

extension String {
    /// Byte-wise equality (Swift `==` compares canonical equivalence, which would hide a
    /// difference an upstream that compares bytes would see).
    func sameBytes(_ other: String?) -> Bool {
        guard let other else { return false }
        return self.utf8.elementsEqual(other.utf8)
    }
}
