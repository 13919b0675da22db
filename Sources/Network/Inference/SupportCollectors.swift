import Diagnostics

/// Keeps each member's support output of a block for a later block, as is or 2 x 2 max-pooled.
final class MemberCollector {
    private let pooled: Bool
    private let workers: ConvolutionWorkers
    private var maps: [FeatureMap] = []

    init(pooled: Bool, workers: ConvolutionWorkers) {
        self.pooled = pooled
        self.workers = workers
    }

    func receive(_ map: FeatureMap) throws(UVSegError) {
        maps.append(pooled ? try MaxPool.pooled(map, workers: workers) : try map.copy())
    }

    /// The maps kept so far, handed over: the collector lets go of them.
    func takeMaps() -> [FeatureMap] {
        defer { maps = [] }
        return maps
    }
}

/// Sums the members' support outputs of a block where a later block needs only their mean.
final class MeanCollector {
    private let sum: FeatureMap
    private let workers: ConvolutionWorkers
    private var count = 0

    init(channels: Int, height: Int, width: Int, workers: ConvolutionWorkers) throws(UVSegError) {
        sum = try FeatureMap(channels: channels, height: height, width: width)
        self.workers = workers
    }

    func receive(_ map: FeatureMap) {
        Accumulation.add(map.values, into: sum.values, count: sum.count, workers: workers)
        count += 1
    }

    /// The mean of the maps received; call once, after the last one.
    func mean() -> FeatureMap {
        Accumulation.scale(sum.values, by: 1 / Float(max(count, 1)), count: sum.count, workers: workers)
        return sum
    }
}
