import Diagnostics
import Network

/// One configuration of the network benchmark (`uvseg bench`): the median time of calls that
/// segment `queryCount` query slices with one support set of `supportCount` pairs, and the work of
/// the convolutions per query.
public struct PredictionTiming: Sendable {
    /// The median call time divided by the number of queries.
    public let secondsPerQuery: Double
    /// Floating-point operations per query actually performed (`ConvolutionCounting.performed`).
    public let operationsPerQuery: Double
    /// Floating-point operations per query of the same convolutions done directly
    /// (`ConvolutionCounting.direct`).
    public let directOperationsPerQuery: Double

    /// The threads of a call unless told otherwise: every core.
    public static var defaultThreadCount: Int { UniverSegNetwork.defaultThreadCount }

    /// Times `repeats` calls of the checkpoint at `weights` (nil: random weights of the published
    /// widths, 4 encoder blocks of (64, 64)) on `size` x `size` slices of scrambled values, and
    /// takes their median; the first call, which finds no memory kept by earlier calls, is one.
    public static func measure(
        weights: String?, supportCount: Int, queryCount: Int, size: Int, threads: Int, repeats: Int
    ) throws(UVSegError) -> PredictionTiming {
        guard repeats >= 1 else { throw .invalidArgument("the benchmark needs at least 1 timed call, got \(repeats)") }
        let network: UniverSegNetwork
        if let weights {
            network = try UniverSegNetwork(contentsOf: weights)
        } else {
            let published = try UniverSegArchitecture(
                encoder: Array(repeating: BlockWidths(crossFeatures: 64, outputFeatures: 64), count: 4))
            network = try UniverSegNetwork(checkpoint: Checkpoint(randomWeightsOf: published, seed: 1))
        }
        let shape = try PredictionShape(queryCount: queryCount, supportCount: supportCount, height: size, width: size)
        let queryValues = pattern(count: shape.queryValueCount, seed: 1)
        let supportImages = pattern(count: shape.supportValueCount, seed: 2)
        let supportLabels = pattern(count: shape.supportValueCount, seed: 3).map { $0 < 0.3 ? Float(1) : 0 }

        var seconds: [Double] = []
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            _ = try network.predict(
                queries: queryValues, supportImages: supportImages, supportLabels: supportLabels,
                queryCount: queryCount, supportCount: supportCount, height: size, width: size, threads: threads)
            let elapsed = ContinuousClock.now - start
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        let queries = Double(queryCount)
        return PredictionTiming(
            secondsPerQuery: seconds.sorted()[seconds.count / 2] / queries,
            operationsPerQuery: network.floatingPointOperations(for: shape, threads: threads) / queries,
            directOperationsPerQuery: network.floatingPointOperations(for: shape, threads: threads, counting: .direct)
                / queries)
    }

    /// Scrambled values in [0, 1): the time does not depend on them, and making them is cheap.
    private static func pattern(count: Int, seed: Int) -> [Float] {
        (0..<count).map { index in Float(((index &+ seed &* 7919) &* 2_654_435_761) % 65_536) / 65_536 }
    }
}
