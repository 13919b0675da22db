#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics

/// Zero-filled float32 memory owned for the duration of one prediction.
///
/// Allocation failure is an error, not a crash; sizes were bounded by the working-memory estimate
/// before any buffer is made.
final class FloatBuffer {
    let count: Int
    let values: UnsafeMutablePointer<Float>

    init(count: Int) throws(UVSegError) {
        // calloc checks count x 4 for overflow itself; one element at least keeps the pointer valid.
        guard count >= 0, let memory = calloc(max(count, 1), MemoryLayout<Float>.stride) else {
            throw .outOfMemory("could not allocate \(count) floats of working memory")
        }
        self.count = count
        values = memory.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit {
        free(values)
    }
}
