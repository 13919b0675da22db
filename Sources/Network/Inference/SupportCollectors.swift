import Diagnostics

/// Keeps each member's support output of a block for a later block.
final class MemberCollector {
    private var maps: [FeatureMap] = []

    /// Keeps a copy of `map`, which its sender reuses.
    func receive(_ map: FeatureMap) throws(UVSegError) {
        maps.append(try map.copy())
    }

    /// Keeps `map` itself.
    func keep(_ map: FeatureMap) {
        maps.append(map)
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

    /// Counts one more map, which `body` adds into the sum it is given.
    func accumulate(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        body(sum.values)
        count += 1
    }

    /// The mean of the maps received; call once, after the last one.
    func mean() -> FeatureMap {
        Accumulation.scale(sum.values, by: 1 / Float(max(count, 1)), count: sum.count, workers: workers)
        return sum
    }
}

/// Keeps a block's support outputs only 2 x 2 max-pooled, with their mean at full resolution: all
/// that later blocks need of encoder block 0's. Takes U_k' before its activation, and activates,
/// pools and sums it in one pass.
final class PooledOutputCollector {
    let members = MemberCollector()
    let mean: MeanCollector
    private let workers: ConvolutionWorkers

    init(channels: Int, height: Int, width: Int, workers: ConvolutionWorkers) throws(UVSegError) {
        mean = try MeanCollector(channels: channels, height: height, width: width, workers: workers)
        self.workers = workers
    }

    /// Receives U_k' = LeakyReLU(preActivation + addend) (addend nil: LeakyReLU(preActivation)).
    func receive(preActivation: FeatureMap, plus addend: FeatureMap?) throws(UVSegError) {
        let (height, width, plane) = (preActivation.height, preActivation.width, preActivation.planeSize)
        let pooled = try FeatureMap(channels: preActivation.channels, height: height / 2, width: width / 2)
        let kernels = workers.kernels.pointee
        mean.accumulate { sum in
            let minimumChannels = ConvolutionWorkers.elementwisePart / max(plane, 1)
            workers.forEachPart(of: preActivation.channels, minimumPart: minimumChannels) { channels in
                for channel in channels {
                    kernels.activate_pool_sum(
                        preActivation.values + channel * plane, addend.map { UnsafePointer($0.values + channel * plane) },
                        Int32(height), Int32(width), pooled.values + channel * pooled.planeSize, sum + channel * plane)
                }
            }
        }
        members.keep(pooled)
    }
}
