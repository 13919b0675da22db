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
package final class FloatBuffer {
    /// What a new buffer holds.
    package enum Contents {
        /// Zeros.
        case zeros
        /// Whatever the memory held: its user writes every value before reading it.
        case unspecified
    }

    let count: Int
    package let values: UnsafeMutablePointer<Float>
    private let pool: BufferPool?

    package init(count: Int, pool: BufferPool? = nil, contents: Contents = .zeros) throws(UVSegError) {
        if let pool {
            values = try pool.take(count, zeroed: contents == .zeros)
        } else {
            guard let memory = Self.systemMemory(count: count) else { throw Self.allocationError(count: count) }
            values = memory
        }
        self.count = count
        self.pool = pool
    }

    /// Bytes a buffer's start is aligned to: a cache line, so that the kernels' 32-byte vectors
    /// at offsets that are multiples of 8 floats never straddle two lines (at calloc's 16 bytes,
    /// every other one did).
    static let alignment = 64

    /// Zero-filled memory for `count` floats (one at least) from the system, starting on an
    /// `alignment` boundary, to give back with `releaseSystemMemory`; nil if there is none or
    /// `count` is negative. calloc checks the size for overflow itself and leaves large blocks to
    /// be zeroed lazily by the system; the block's own address is kept just before the aligned start.
    static func systemMemory(count: Int) -> UnsafeMutablePointer<Float>? {
        let slack = (alignment + MemoryLayout<UnsafeMutableRawPointer>.stride) / MemoryLayout<Float>.stride
        guard count >= 0, count <= Int.max - slack,
              let block = calloc(max(count, 1) + slack, MemoryLayout<Float>.stride)
        else { return nil }
        let start = (UInt(bitPattern: block) + UInt(MemoryLayout<UnsafeMutableRawPointer>.stride + alignment - 1))
            & ~UInt(alignment - 1)
        guard let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return nil }
        (aligned - MemoryLayout<UnsafeMutableRawPointer>.stride).storeBytes(of: block, as: UnsafeMutableRawPointer.self)
        return aligned.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Gives memory from `systemMemory` back to the system.
    static func releaseSystemMemory(_ memory: UnsafeMutablePointer<Float>) {
        let aligned = UnsafeMutableRawPointer(memory)
        free((aligned - MemoryLayout<UnsafeMutableRawPointer>.stride).load(as: UnsafeMutableRawPointer.self))
    }

    static func allocationError(count: Int) -> UVSegError {
        .outOfMemory("could not allocate \(count) floats of working memory")
    }

    deinit {
        if let pool {
            pool.give(values, count: count)
        } else {
            Self.releaseSystemMemory(values)
        }
    }
}
