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

    /// The sum, for callers that add a map into it themselves (then `countAddedMap`).
    var sumValues: UnsafeMutablePointer<Float> { sum.values }

    /// Counts a map added into `sumValues` by its caller.
    func countAddedMap() {
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
/// pools and sums it in one pass, whole or band by band.
final class PooledOutputCollector {
    let members = MemberCollector()
    let mean: MeanCollector
    private let workers: ConvolutionWorkers
    private let (channels, height, width): (Int, Int, Int)

    init(channels: Int, height: Int, width: Int, workers: ConvolutionWorkers) throws(UVSegError) {
        mean = try MeanCollector(channels: channels, height: height, width: width, workers: workers)
        self.workers = workers
        (self.channels, self.height, self.width) = (channels, height, width)
    }

    /// Receives U_k' = LeakyReLU(preActivation + addend) (addend nil: LeakyReLU(preActivation)).
    func receive(preActivation: FeatureMap, plus addend: FeatureMap?) throws(UVSegError) {
        let pooled = try beginMember()
        let minimumChannels = ConvolutionWorkers.elementwisePart / max(height * width, 1)
        workers.forEachPart(of: channels, minimumPart: minimumChannels) { channels in
            addRows(
                0..<height, channels: channels, preActivation: preActivation.values,
                plus: addend.map { UnsafePointer($0.values) }, addendChannelStride: height * width, into: pooled)
        }
        endMember(pooled)
    }

    /// The pooled map of the next member, for `addRows` to fill and `endMember` to keep.
    func beginMember() throws(UVSegError) -> FeatureMap {
        try FeatureMap(channels: channels, height: height / 2, width: width / 2)
    }

    /// Rows `rows` (an even first row and count) of U_k' = LeakyReLU(preActivation + addend) for
    /// `channels`: preActivation is laid out as the collector's maps; addend (nil: zero) points at
    /// row rows.lowerBound of channel 0, with rows `width` apart and channels `addendChannelStride`.
    /// Calls for disjoint rows or channels may run at once.
    func addRows(
        _ rows: Range<Int>, channels: Range<Int>, preActivation: UnsafePointer<Float>, plus addend: UnsafePointer<Float>?,
        addendChannelStride: Int, into pooled: FeatureMap
    ) {
        let kernels = workers.kernels.pointee
        let (plane, start) = (height * width, rows.lowerBound * width)
        for channel in channels {
            kernels.activate_pool_sum(
                preActivation + channel * plane + start, addend.map { $0 + channel * addendChannelStride },
                Int32(rows.count), Int32(width),
                pooled.values + channel * pooled.planeSize + rows.lowerBound / 2 * pooled.width,
                mean.sumValues + channel * plane + start)
        }
    }

    /// Keeps the member's pooled map once all its rows are added.
    func endMember(_ pooled: FeatureMap) {
        members.keep(pooled)
        mean.countAddedMap()
    }
}
