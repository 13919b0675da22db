import Diagnostics

/// One call's evaluation of the network: the two-stream graph of docs/DESIGN.md ("The network") in
/// its exact reformulation ("The exact reformulation"), with the buffers of that call. Called from
/// one thread; its convolutions use `workers`' threads.
///
/// Which support outputs are kept, and how:
/// - encoder block 0 runs once for a batch of queries, streaming the members: its support half is
///   computed once per member for the whole batch, and each (query, member) output is kept only
///   2 x 2 max-pooled, plus its mean over members, the only form the last decoder block needs of
///   that skip;
/// - the blocks in between keep their support outputs per member (at half resolution or below),
///   except the one before the last block, which keeps only their mean;
/// - the last block (the last decoder block) computes no support output at all, and its cross
///   convolution sees the mean support input concat(up(mean U_k), mean skip U_k), bilinear
///   upsampling being linear.
struct ForwardPass {
    let weights: NetworkWeights
    let architecture: UniverSegArchitecture
    let shape: PredictionShape
    let workers: ConvolutionWorkers

    /// A pass whose buffers come from `pool`.
    init(weights: NetworkWeights, workingMemory: WorkingMemory, pool: BufferPool) throws(UVSegError) {
        self.weights = weights
        architecture = workingMemory.architecture
        shape = workingMemory.shape
        workers = try ConvolutionWorkers(
            threadCount: workingMemory.threadCount, scratchCount: workingMemory.scratchCount, pool: pool)
    }

    /// The same pass on other workers: one lane of a member loop.
    private init(_ pass: ForwardPass, workers: ConvolutionWorkers) {
        (weights, architecture, shape) = (pass.weights, pass.architecture, pass.shape)
        self.workers = workers
    }

    /// The lanes a loop over `supportCount` members runs on: one thread each, one per group at most.
    func memberLaneCount(supportCount: Int) -> Int {
        min(workers.threadCount, MemberGroups(memberCount: supportCount).count)
    }

    /// Runs `work(group, lane, slot, pass)` for every group of `groups`, spread over `laneCount`
    /// lanes that each run on one thread with `pass` bound to it, and `commit(slot, pass)` once
    /// per group, in group order (`GroupSchedule.run`): `laneCount` x `GroupSchedule.slotsPerLane`
    /// slots in all.
    func forEachMemberGroup(
        _ groups: MemberGroups, laneCount: Int, _ work: (Int, Int, Int, ForwardPass) throws(UVSegError) -> Void,
        commit: (Int, ForwardPass) -> Void
    ) throws(UVSegError) {
        try GroupSchedule.run(groups.count, laneCount: laneCount, on: workers) { (group, lane, slot, laneWorkers) throws(UVSegError) in
            try work(group, lane, slot, on(laneWorkers))
        } commit: { slot, laneWorkers in
            commit(slot, on(laneWorkers))
        }
    }

    /// This pass on `laneWorkers`: itself when they are its own.
    private func on(_ laneWorkers: ConvolutionWorkers) -> ForwardPass {
        laneWorkers === workers ? self : ForwardPass(self, workers: laneWorkers)
    }

    /// Segments `queries` (each height x width) with the support set, writing one logit map per
    /// query into `logits`.
    func predict(
        queries: [UnsafePointer<Float>], supportImages: UnsafePointer<Float>, supportLabels: UnsafePointer<Float>,
        logits: [UnsafeMutablePointer<Float>]
    ) throws(UVSegError) {
        let (height, width, planeSize) = (shape.height, shape.width, shape.planeSize)
        let first = weights.encoder[0]
        let targets = queries.map { [ChannelSlab(values: $0, channels: 1)] }
        let memberInput = { (member: Int, _: Int, _: ConvolutionWorkers) in
            [ChannelSlab(values: supportImages + member * planeSize, channels: 1),
             ChannelSlab(values: supportLabels + member * planeSize, channels: 1)]
        }
        guard weights.encoder.count > 1 else {
            // Encoder block 0 is the last block: its support output is never used.
            let outputs = try evaluate(
                first, targets: targets, height: height, width: width,
                supportCount: shape.supportCount, supportInput: memberInput, supportOutput: nil)
            for (output, logits) in zip(outputs, logits) {
                writeLogits(of: output, into: logits)
            }
            return
        }

        let collectors = try queries.map { (_) throws(UVSegError) in
            try PooledOutputCollector(channels: first.widths.outputFeatures, height: height, width: width, workers: workers)
        }
        let outputs = try evaluate(
            first, targets: targets, height: height, width: width,
            supportCount: shape.supportCount, supportInput: memberInput, supportOutput: .pooled(collectors))
        for (query, target) in outputs.enumerated() {
            let skip = FirstSkip(target: target, supportMean: collectors[query].mean.mean())
            let streams = Streams(
                target: try MaxPool.pooled(target, workers: workers), members: collectors[query].members.takeMaps())
            try finish(from: streams, firstSkip: skip, into: logits[query])
        }
    }

    /// The streams entering a block: the target map and one map per support member.
    private struct Streams {
        let target: FeatureMap
        let members: [FeatureMap]
    }

    /// Encoder block 0's skip: the last decoder block needs only the mean of its support part.
    private struct FirstSkip {
        let target: FeatureMap
        let supportMean: FeatureMap
    }

    /// The skip of an encoder block between the first and the last, per member.
    private struct Skip {
        let target: FeatureMap
        let members: [FeatureMap]
    }

    /// Every block after encoder block 0, for one query.
    private func finish(from firstStreams: consuming Streams, firstSkip: FirstSkip, into logits: UnsafeMutablePointer<Float>) throws(UVSegError) {
        let levels = weights.encoder.count
        // The blocks between encoder block 0 and the last decoder block; at least encoder block 1.
        let middle = (1..<levels).map(BlockPosition.encoder) + (0..<(levels - 2)).map(BlockPosition.decoder)
        // Consumed, so that encoder block 0's pooled members are freed once encoder block 1 is done.
        var streams = consume firstStreams
        var skips: [Skip] = []
        for position in middle.dropLast() {
            // An encoder block above the deepest keeps its outputs as a skip and pools them for the next.
            let pools = if case .encoder(let index) = position { index < levels - 1 } else { false }
            let kept = MemberCollector(pooling: pools)
            let target = try evaluate(position, on: streams, skips: &skips, destination: .kept(kept))
            let members = kept.takeMaps()
            if pools {
                skips.append(Skip(target: target, members: members))
                streams = Streams(target: try MaxPool.pooled(target, workers: workers), members: kept.takePooledMaps())
            } else {
                streams = Streams(target: target, members: members)
            }
        }

        // The block before the last keeps only the mean of its support output: all the last needs.
        let preFinal = middle[middle.count - 1]
        let level = architecture.level(of: preFinal)
        let mean = try MeanCollector(
            channels: weights.block(at: preFinal).widths.outputFeatures,
            height: shape.height >> level, width: shape.width >> level, workers: workers)
        let preFinalTarget = try evaluate(preFinal, on: streams, skips: &skips, destination: .mean(mean))

        let upsampledTarget = try upsampled(preFinalTarget)
        let upsampledMean = try upsampled(mean.mean())
        let target = try evaluate(
            weights.decoder[levels - 2], target: [upsampledTarget.slab, firstSkip.target.slab],
            height: upsampledTarget.height, width: upsampledTarget.width,
            supportCount: 1, supportInput: { _, _, _ in [upsampledMean.slab, firstSkip.supportMean.slab] },
            supportOutput: nil)
        writeLogits(of: target, into: logits)
    }

    /// Evaluates a block after encoder block 0 that computes its support output, on the streams
    /// entering it; a decoder block takes the skip of its level from `skips`. Returns T'.
    private func evaluate(
        _ position: BlockPosition, on streams: Streams, skips: inout [Skip], destination: SupportOutputDestination
    ) throws(UVSegError) -> FeatureMap {
        let block = weights.block(at: position)
        let members = streams.members
        switch position {
        case .encoder:
            return try evaluate(
                block, target: [streams.target.slab], height: streams.target.height, width: streams.target.width,
                supportCount: members.count, supportInput: { member, _, _ in [members[member].slab] },
                supportOutput: destination)
        case .decoder:
            // Decoder blocks take the skips deepest first, the reverse of the order encoder blocks left them.
            let skip = skips.removeLast()
            let upsampledTarget = try upsampled(streams.target)
            // One upsampled member per lane, reused for the lane's members.
            let upsampledMembers = try (0..<memberLaneCount(supportCount: members.count)).map { (_) throws(UVSegError) in
                try FeatureMap(
                    channels: upsampledTarget.channels, height: upsampledTarget.height, width: upsampledTarget.width,
                    pool: workers.pool, contents: .unspecified)
            }
            let upsampling = BilinearUpsampling(inputHeight: streams.target.height, inputWidth: streams.target.width)
            return try evaluate(
                block, target: [upsampledTarget.slab, skip.target.slab],
                height: upsampledTarget.height, width: upsampledTarget.width,
                supportCount: members.count,
                supportInput: { member, lane, laneWorkers in
                    upsampling.apply(members[member], into: upsampledMembers[lane], workers: laneWorkers)
                    return [upsampledMembers[lane].slab, skip.members[member].slab]
                },
                supportOutput: destination)
        }
    }

    private func upsampled(_ map: FeatureMap) throws(UVSegError) -> FeatureMap {
        let output = try FeatureMap(
            channels: map.channels, height: 2 * map.height, width: 2 * map.width, pool: workers.pool, contents: .unspecified)
        BilinearUpsampling(inputHeight: map.height, inputWidth: map.width).apply(map, into: output, workers: workers)
        return output
    }

    /// logits = conv1x1(T, Wout) + bout: no activation.
    private func writeLogits(of target: FeatureMap, into logits: UnsafeMutablePointer<Float>) {
        weights.output.apply(
            to: [target.slab], height: target.height, width: target.width, bias: weights.outputBias,
            into: logits, workers: workers)
    }
}
