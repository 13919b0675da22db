import COpenBLAS
import Diagnostics
import Network

/// The machine's single-precision GEMM throughput as the engine gets it: one single-threaded
/// `cblas_sgemm` per column band, the bands spread over the engine's threads.
public enum GEMMPeak {
    /// The median GFLOP/s of `repeats` size x size x size products on `threads` threads.
    public static func measure(size: Int = 2048, threads: Int, repeats: Int = 3) throws(UVSegError) -> Double {
        guard (1...8192).contains(size), (1...UniverSegNetwork.maximumThreadCount).contains(threads), repeats >= 1 else {
            throw .invalidArgument("the GEMM size must be from 1 to 8192, threads from 1 to \(UniverSegNetwork.maximumThreadCount) and repeats at least 1")
        }
        let a = try FloatBuffer(count: size * size)
        let b = try FloatBuffer(count: size * size)
        let c = try FloatBuffer(count: size * size)
        for index in 0..<(size * size) {
            a.values[index] = Float(index % 7) * 0.25
            b.values[index] = Float(index % 5) * 0.5
        }
        let workers = try ConvolutionWorkers(threadCount: threads, scratchCount: 0)
        let bandColumns = (size + threads - 1) / threads
        var seconds: [Double] = []
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            workers.forEachBand(threads) { band, _ in
                let first = band * bandColumns
                let columns = min(bandColumns, size - first)
                guard columns > 0 else { return }
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(size), Int32(columns), Int32(size),
                    1, a.values, Int32(size), b.values + first, Int32(size), 0, c.values + first, Int32(size))
            }
            let elapsed = ContinuousClock.now - start
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        let median = seconds.sorted()[seconds.count / 2]
        return 2 * Double(size) * Double(size) * Double(size) / median / 1e9
    }
}
