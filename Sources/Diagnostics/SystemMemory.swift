#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the system will give the process a large block now.
///
/// A size within the memory limit can still be refused, by a host that runs the library under an
/// address-space limit, say, and Swift ends the process when an allocation fails. So a large block
/// is first mapped the way malloc maps one, where a refusal is an answer, and unmapped at once; the
/// allocation that follows then gets the room just released. (A malloc and free of a block never
/// used would be removed by the optimiser, so the mapping is asked of the kernel directly.)
public enum SystemMemory {
    /// Throws `.outOfMemory` naming `what` and `bytes` when the kernel refuses `bytes` (and a page
    /// for the allocator's own bookkeeping).
    public static func requireAvailable(_ bytes: Int, for what: String) throws(UVSegError) {
        let (length, overflow) = max(0, bytes).addingReportingOverflow(Int(sysconf(Int32(_SC_PAGESIZE))))
        let block = overflow ? nil : mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let block, block != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw .outOfMemory(
                "\(what) would need \(MemoryBudget.text(bytes)), more than the system gives this process now")
        }
        munmap(block, length)
    }
}
