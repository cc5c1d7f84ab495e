#if canImport(Glibc)
import Glibc
#endif

/// Hands the heap a snapshot rebuild freed back to the system.
///
/// A rebuild holds the database's rows, the merged policy parts and the new snapshot at once;
/// afterwards only the snapshot lives, but glibc keeps the freed pages. With 100k keys that is
/// about 25 MiB of RSS (BENCHMARKS.md, scale table: "after malloc_trim"). Rebuilds are rare
/// (admin writes, reloads) and the trim takes milliseconds, off the check path.
enum FreedMemory {
    #if canImport(Glibc)
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    /// glibc's `malloc_trim`, which the Glibc module does not export; looked up once.
    private static let mallocTrim: MallocTrim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: MallocTrim.self) }
    #endif

    static func release() {
        #if canImport(Glibc)
        _ = mallocTrim?(0)
        #endif
    }
}
