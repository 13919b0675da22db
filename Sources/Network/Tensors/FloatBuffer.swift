#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics

/// Float32 memory owned for the duration of one prediction: zero-filled, unless its user writes
/// every value before reading it.
///
/// Allocation failure is an error, not a crash; sizes were bounded by the working-memory estimate
/// before any buffer is made. Memory from a pool goes back to it when the buffer goes.
final class FloatBuffer {
    /// What a new buffer holds.
    enum Contents {
        /// Zeros.
        case zeros
        /// Whatever the memory held: its user writes every value before reading it.
        case unspecified
    }

    let count: Int
    let values: UnsafeMutablePointer<Float>
    private let pool: BufferPool?

    init(count: Int, pool: BufferPool? = nil, contents: Contents = .zeros) throws(UVSegError) {
        if let pool {
            values = try pool.take(count, zeroed: contents == .zeros)
        } else {
            guard let memory = Self.systemMemory(count: count) else { throw Self.allocationError(count: count) }
            values = memory
        }
        self.count = count
        self.pool = pool
    }

    /// Zero-filled memory for `count` floats (one at least) from the system, to `free`; nil if
    /// there is none or `count` is negative. calloc checks count x 4 for overflow itself.
    static func systemMemory(count: Int) -> UnsafeMutablePointer<Float>? {
        guard count >= 0, let memory = calloc(max(count, 1), MemoryLayout<Float>.stride) else { return nil }
        return memory.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    static func allocationError(count: Int) -> UVSegError {
        .outOfMemory("could not allocate \(count) floats of working memory")
    }

    deinit {
        if let pool {
            pool.give(values, count: count)
        } else {
            free(values)
        }
    }
}
