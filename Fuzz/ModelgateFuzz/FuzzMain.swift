import CLibFuzzer
import Foundation

/// `modelgate-fuzz TARGET [ARGS…]`.
///
/// Built with libFuzzer (`scripts/fuzz`), ARGS are libFuzzer's own (`corpus/ -runs=N`). Built
/// normally, ARGS are files or folders whose files are replayed through the target once each,
/// which is how a saved crash is reproduced without the fuzzing toolchain.
@main
enum FuzzMain {
    static func main() {
        var arguments = CommandLine.arguments
        guard arguments.count >= 2, let target = FuzzTargets.named(arguments[1]) else {
            let names = FuzzTargets.all.map(\.name).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: modelgate-fuzz <\(names)> [libFuzzer options | files…]\n".utf8))
            exit(2)
        }
        arguments.remove(at: 1)
        FuzzTargets.selected = target
        target.prepare()
        #if MODELGATE_LIBFUZZER
        runLibFuzzer(arguments)
        #else
        replay(arguments.dropFirst().map { $0 }, target: target)
        #endif
    }

    #if MODELGATE_LIBFUZZER
    /// Hands argv (minus the target name) to libFuzzer; it calls back once per input.
    static func runLibFuzzer(_ arguments: [String]) -> Never {
        var argc = CInt(arguments.count)
        // libFuzzer keeps pointers into argv for the whole run: leak them on purpose.
        let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count + 1)
        for (index, argument) in arguments.enumerated() { argv[index] = strdup(argument) }
        argv[arguments.count] = nil
        var argvPointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        let status = LLVMFuzzerRunDriver(&argc, &argvPointer) { data, size in
            let input = size == 0 ? UnsafeRawBufferPointer(start: nil, count: 0) : UnsafeRawBufferPointer(start: data, count: size)
            FuzzTargets.selected?.run(Array(input))
            return 0
        }
        exit(status)
    }
    #endif

    /// Runs every file named (folders are walked) through `target` once.
    static func replay(_ paths: [String], target: FuzzTarget) {
        var files: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("no such file: \(path)\n".utf8))
                exit(2)
            }
            if isDirectory.boolValue {
                let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: path), includingPropertiesForKeys: [.isRegularFileKey])
                while let url = walker?.nextObject() as? URL {
                    if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(url) }
                }
            } else {
                files.append(URL(fileURLWithPath: path))
            }
        }
        let started = Date()
        for file in files.sorted(by: { $0.path < $1.path }) {
            guard let data = FileManager.default.contents(atPath: file.path) else { continue }
            FuzzTargets.currentInputName = file.lastPathComponent
            target.run(Array(data))
        }
        let seconds = Date().timeIntervalSince(started)
        print("replayed \(files.count) inputs through \(target.name) in \(String(format: "%.2f", seconds)) s: no crash, no invariant failure")
    }
}
