#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKernels
import COpenBLAS
import Diagnostics
import Dispatch
import Synchronization

/// The threads of one prediction call, and each thread's convolution scratch.
///
/// uvseg owns the cores: OpenBLAS is set to one thread for the whole process (once, before the
/// first call), and a convolution splits its output into bands of rows whose size depends only on
/// the image width, never on the thread count. Each band is one single-threaded product whichever
/// thread runs it, so every output value is computed by the same operations in the same order and
/// results are bit-identical for any thread count. Loops over support members instead run one
/// lane per thread (`forEachLane`), each lane computing whole members on single-threaded workers.
package final class ConvolutionWorkers {
    /// Output pixels per band: small enough to give every thread work at half and quarter
    /// resolution, large enough for sgemm to run near its peak.
    static let bandPixels = 512

    /// Rows of a band for images `width` wide: at least one.
    static func rowsPerBand(width: Int) -> Int {
        max(1, bandPixels / max(width, 1))
    }

    let threadCount: Int
    /// The inner loops of the Winograd convolutions, for this CPU unless a test asks otherwise.
    let kernels: UnsafePointer<uvseg_kernels>
    /// Where the call's maps take their memory from (nil: the system).
    let pool: BufferPool?
    private let scratch: [FloatBuffer]
    /// One single-threaded set of workers per thread, over that thread's scratch (`forEachLane`).
    private let lanes: [ConvolutionWorkers]

    /// `threadCount` threads, each with `scratchCount` floats of scratch, memory from `pool` (nil:
    /// the system); `wideKernels` false runs the baseline kernels even on a CPU with wider vectors.
    package init(threadCount: Int, scratchCount: Int, pool: BufferPool? = nil, wideKernels: Bool = true) throws(UVSegError) {
        _ = Self.singleThreadedBLAS
        self.threadCount = threadCount
        kernels = uvseg_kernels_select(wideKernels ? 1 : 0)
        self.pool = pool
        var scratch: [FloatBuffer] = []
        for _ in 0..<threadCount {
            scratch.append(try FloatBuffer(count: scratchCount, pool: pool, contents: .unspecified))
        }
        self.scratch = scratch
        let kernels = self.kernels
        lanes = threadCount > 1 ? scratch.map { ConvolutionWorkers(lane: $0, kernels: kernels, pool: pool) } : []
    }

    /// One thread's lane: its scratch, and no threads of its own.
    private init(lane scratch: FloatBuffer, kernels: UnsafePointer<uvseg_kernels>, pool: BufferPool?) {
        threadCount = 1
        self.kernels = kernels
        self.pool = pool
        self.scratch = [scratch]
        lanes = []
    }

    /// Runs `body(lane, workers)` for every lane in 0..<laneCount (at most `threadCount`) at once,
    /// each on its own thread with single-threaded workers over that thread's scratch; one lane
    /// runs on the calling thread with all the threads. Throws the error of a lane that failed,
    /// once every lane has returned.
    func forEachLane(_ laneCount: Int, _ body: (Int, ConvolutionWorkers) throws(UVSegError) -> Void) throws(UVSegError) {
        guard laneCount > 1 else {
            if laneCount == 1 { try body(0, self) }
            return
        }
        let failure = Mutex<UVSegError?>(nil)
        let lanes = UncheckedSendable(value: self.lanes)
        withoutActuallyEscaping(body) { escapable in
            let work = UncheckedSendable(value: escapable)
            DispatchQueue.concurrentPerform(iterations: min(laneCount, lanes.value.count)) { lane in
                do throws(UVSegError) {
                    try work.value(lane, lanes.value[lane])
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Runs `body(band, scratch)` for every band in 0..<bandCount, spread over the threads; bands
    /// must write disjoint memory.
    package func forEachBand(_ bandCount: Int, _ body: (Int, FloatBuffer) -> Void) {
        let threads = min(threadCount, bandCount)
        guard threads > 1 else {
            for band in 0..<bandCount { body(band, scratch[0]) }
            return
        }
        let buffers = UncheckedSendable(value: scratch)
        withoutActuallyEscaping(body) { escapable in
            let work = UncheckedSendable(value: escapable)
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for band in stride(from: thread, to: bandCount, by: threads) {
                    work.value(band, buffers.value[thread])
                }
            }
        }
    }

    /// Runs `body` on parts of 0..<count, one contiguous part per thread, for work that computes
    /// every result the same way whatever the split (elementwise passes). Parts are at least
    /// `minimumPart` long, so that small work stays on the calling thread.
    func forEachPart(of count: Int, minimumPart: Int, _ body: (Range<Int>) -> Void) {
        forEachPart(of: count, minimumPart: minimumPart) { part, _ in body(part) }
    }

    /// `forEachPart`, with the scratch of the thread that runs each part.
    func forEachPart(of count: Int, minimumPart: Int, _ body: (Range<Int>, FloatBuffer) -> Void) {
        let parts = max(1, min(threadCount, count / max(minimumPart, 1)))
        guard count > 0 else { return }
        forEachBand(parts) { part, scratch in
            body((part * count / parts)..<((part + 1) * count / parts), scratch)
        }
    }

    /// Values an elementwise part should hold at least: below that, waking a thread costs more
    /// than the work.
    static let elementwisePart = 32768

    /// OpenBLAS set to one thread: the engine's own threads own the cores (nested pools would
    /// oversubscribe them).
    private static let singleThreadedBLAS: Void = openblas_set_num_threads(1)

    /// The cores available to the process: the default thread count.
    static var availableCores: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// Hands values to the threads of `concurrentPerform`, which only read them or write disjoint
/// memory through them.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}
