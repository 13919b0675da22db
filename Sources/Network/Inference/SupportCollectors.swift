import CKernels
import Diagnostics

/// A slot's share of what a member loop hands to a collector: the outputs of its current group of
/// members, added to the collector's when the group's turn comes (`GroupSchedule`).
protocol CollectorPart {
    /// Starts group `group` of the member loop.
    func begin(group: Int) throws(UVSegError)
    /// Hands this group's outputs to the collector, and starts afresh for the next group.
    func commit(workers: ConvolutionWorkers)
}

/// Keeps each member's support output of a block for a later block, in member order, with its
/// 2 x 2 max-pooled copy if `pooling` (the next encoder block's input).
final class MemberCollector {
    let pooling: Bool
    private var maps: [FeatureMap] = []
    private var pooledMaps: [FeatureMap] = []

    init(pooling: Bool = false) {
        self.pooling = pooling
    }

    /// A slot's part: it keeps the maps it receives, which their sender must not reuse.
    final class Part: CollectorPart {
        private let collector: MemberCollector
        private var maps: [FeatureMap] = []
        private var pooledMaps: [FeatureMap] = []

        fileprivate init(_ collector: MemberCollector) {
            self.collector = collector
        }

        func receive(_ map: FeatureMap, workers: ConvolutionWorkers) throws(UVSegError) {
            maps.append(map)
            if collector.pooling { pooledMaps.append(try MaxPool.pooled(map, workers: workers)) }
        }

        /// Keeps `map` itself.
        func keep(_ map: FeatureMap) {
            maps.append(map)
        }

        func begin(group: Int) {}

        func commit(workers: ConvolutionWorkers) {
            collector.maps += maps
            collector.pooledMaps += pooledMaps
            (maps, pooledMaps) = ([], [])
        }
    }

    func makePart() -> Part { Part(self) }

    /// The maps kept so far, handed over: the collector lets go of them.
    func takeMaps() -> [FeatureMap] {
        defer { maps = [] }
        return maps
    }

    /// The pooled maps kept so far, handed over.
    func takePooledMaps() -> [FeatureMap] {
        defer { pooledMaps = [] }
        return pooledMaps
    }
}

/// Sums the members' support outputs of a block where a later block needs only their mean.
final class MeanCollector {
    private let sum: FeatureMap
    fileprivate let workers: ConvolutionWorkers
    private var count = 0

    init(channels: Int, height: Int, width: Int, workers: ConvolutionWorkers) throws(UVSegError) {
        sum = try FeatureMap(channels: channels, height: height, width: width, pool: workers.pool)
        self.workers = workers
    }

    /// A slot's part: its partial sum, and how many maps went in.
    final class Part: CollectorPart {
        private let collector: MeanCollector
        private let partial: PartialSum
        private var count = 0

        fileprivate init(_ collector: MeanCollector) {
            self.collector = collector
            partial = PartialSum(of: collector.sum.values, count: collector.sum.count, pool: collector.workers.pool)
        }

        func begin(group: Int) throws(UVSegError) {
            try partial.begin(group: group)
        }

        func receive(_ map: FeatureMap, workers: ConvolutionWorkers) {
            Accumulation.add(map.values, into: partial.values, count: map.count, workers: workers)
            count += 1
        }

        /// The partial sum, for callers that add a map into it themselves (then `countMember`).
        var values: UnsafeMutablePointer<Float> { partial.values }

        /// Counts a map added into `values` by the caller.
        func countMember() {
            count += 1
        }

        func commit(workers: ConvolutionWorkers) {
            partial.commit(workers: workers)
            collector.count += count
            count = 0
        }
    }

    func makePart() -> Part { Part(self) }

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

    init(channels: Int, height: Int, width: Int, workers: ConvolutionWorkers) throws(UVSegError) {
        mean = try MeanCollector(channels: channels, height: height, width: width, workers: workers)
    }

    /// A slot's part: the pooled maps of its group and its part of the mean.
    final class Part: CollectorPart {
        private let members: MemberCollector.Part
        private let mean: MeanCollector.Part
        private let pool: BufferPool?

        fileprivate init(_ collector: PooledOutputCollector) {
            members = collector.members.makePart()
            mean = collector.mean.makePart()
            pool = collector.mean.workers.pool
        }

        func begin(group: Int) throws(UVSegError) {
            try mean.begin(group: group)
        }

        /// Receives U_k' = LeakyReLU(preActivation + addend) (addend nil: LeakyReLU(preActivation)).
        func receive(preActivation: FeatureMap, plus addend: FeatureMap?, workers: ConvolutionWorkers) throws(UVSegError) {
            let pooled = try beginMember(preActivation.channels, height: preActivation.height, width: preActivation.width)
            let minimumChannels = ConvolutionWorkers.elementwisePart / max(preActivation.planeSize, 1)
            workers.forEachPart(of: preActivation.channels, minimumPart: minimumChannels) { channels in
                addRows(
                    0..<preActivation.height, channels: channels, preActivation: preActivation,
                    plus: addend.map { UnsafePointer($0.values) }, addendChannelStride: preActivation.planeSize,
                    into: pooled, kernels: workers.kernels.pointee)
            }
            endMember(pooled)
        }

        /// The pooled map of a member received row band by row band (`addRows`), then `endMember`.
        func beginMember(_ channels: Int, height: Int, width: Int) throws(UVSegError) -> FeatureMap {
            try FeatureMap(channels: channels, height: height / 2, width: width / 2, pool: pool, contents: .unspecified)
        }

        /// Receives image rows `rows` (whole pairs) of channels `channels` of U_k' =
        /// LeakyReLU(preActivation + addend): activates them, pools them into `pooled` and adds
        /// them to the mean. Channel c of the addend's row y is at addend[c x addendChannelStride
        /// + (y - rows.lowerBound) x width]; nil adds nothing.
        func addRows(
            _ rows: Range<Int>, channels: Range<Int>, preActivation: FeatureMap, plus addend: UnsafePointer<Float>?,
            addendChannelStride: Int, into pooled: FeatureMap, kernels: uvseg_kernels
        ) {
            let (width, plane) = (preActivation.width, preActivation.planeSize)
            let offset = channels.lowerBound * plane + rows.lowerBound * width
            kernels.activate_pool_sum(
                preActivation.values + offset, plane, addend.map { $0 + channels.lowerBound * addendChannelStride },
                addendChannelStride, Int32(kernelArgument: channels.count), Int32(kernelArgument: rows.count),
                Int32(kernelArgument: width),
                pooled.values + channels.lowerBound * pooled.planeSize + rows.lowerBound / 2 * pooled.width,
                pooled.planeSize, mean.values + offset)
        }

        /// Keeps the member's pooled map once all its rows are in.
        func endMember(_ pooled: FeatureMap) {
            members.keep(pooled)
            mean.countMember()
        }

        func commit(workers: ConvolutionWorkers) {
            members.commit(workers: workers)
            mean.commit(workers: workers)
        }
    }

    func makePart() -> Part { Part(self) }
}
