import Diagnostics

extension ForwardPass {
    /// Receives (target index, U_k') for each support output a block computes, members in order.
    /// The map is reused for the next member: a receiver that keeps it copies it.
    typealias SupportOutputReceiver = (Int, FeatureMap) throws(UVSegError) -> Void

    /// Where a block's support outputs go.
    enum SupportOutputDestination {
        /// Each U_k' as a map, to a receiver.
        case maps(SupportOutputReceiver)
        /// Each U_k' pooled and summed by the collector of its target: encoder block 0.
        case pooled([PooledOutputCollector])
    }

    /// Evaluates one cross block for several target streams that share one support input, in the
    /// exact reformulation of model.md, and returns each target's T':
    ///
    ///     P      = conv(T, Wc_T) + bc                       once per target
    ///     V_k    = conv(U_k, Wc_U)                          once per member, shared by all targets
    ///     T'     = LeakyReLU(conv(P + mean_k V_k, Wt) + bt)
    ///     U_k'   = LeakyReLU(conv(P + V_k, Ws) + bs)
    ///
    /// since Z_k = P + V_k and convolution is linear (each operand zero-padded); with several
    /// targets, conv(P + V_k, Ws) is split into conv(P, Ws) + conv(V_k, Ws) so that the member
    /// term is shared. Members stream
    /// through one set of buffers; U_k' goes to `supportOutput`. With `supportOutput` nil the
    /// support convolutions are skipped: T' needs only mean_k V_k.
    func evaluate(
        _ block: CrossBlockWeights, targets: [[ChannelSlab]], height: Int, width: Int,
        supportCount: Int, supportInput: (Int) throws(UVSegError) -> [ChannelSlab],
        supportOutput: SupportOutputDestination?
    ) throws(UVSegError) -> [FeatureMap] {
        let crossFeatures = block.widths.crossFeatures
        let crossTargets = try targets.map { (target) throws(UVSegError) in
            let crossTarget = try FeatureMap(channels: crossFeatures, height: height, width: width)
            convolve(block.crossTarget, target, bias: block.crossBias, into: crossTarget)
            return crossTarget
        }
        let members = try MemberWork(
            block, crossTargets: crossTargets, height: height, width: width, destination: supportOutput, pass: self)
        let crossSupportSum = try FeatureMap(channels: crossFeatures, height: height, width: width)
        for member in 0..<supportCount {
            try members.add(try supportInput(member), summingInto: crossSupportSum, pass: self)
        }
        members.finish(summingInto: crossSupportSum, pass: self)

        let inverseCount = 1 / Float(supportCount)
        return try crossTargets.map { (crossTarget) throws(UVSegError) in
            Accumulation.add(
                crossSupportSum.values, scaledBy: inverseCount, into: crossTarget.values, count: crossTarget.count, workers: workers)
            let target = try FeatureMap(channels: block.widths.outputFeatures, height: height, width: width)
            convolve(block.target, [crossTarget.slab], bias: block.targetBias, into: target, epilogue: .leakyReLU)
            return target
        }
    }

    /// `evaluate` for one target stream.
    func evaluate(
        _ block: CrossBlockWeights, target: [ChannelSlab], height: Int, width: Int,
        supportCount: Int, supportInput: (Int) throws(UVSegError) -> [ChannelSlab],
        supportOutput: SupportOutputDestination?
    ) throws(UVSegError) -> FeatureMap {
        let targets = try evaluate(
            block, targets: [target], height: height, width: width,
            supportCount: supportCount, supportInput: supportInput, supportOutput: supportOutput)
        return targets[0]
    }

    /// output = epilogue(conv(concat(inputs), kernel) + bias) at `output`'s size.
    func convolve(
        _ kernel: ConvolutionKernel, _ inputs: [ChannelSlab], bias: [Float]?, into output: FeatureMap,
        epilogue: ConvolutionEpilogue = .store
    ) {
        kernel.apply(
            to: inputs, height: output.height, width: output.width, bias: bias, into: output.values,
            epilogue: epilogue, workers: workers)
    }
}

/// A block's work per support member: V_k = conv(U_k, Wc_U), summed over members for the target
/// stream, and, when the block has a support output, U_k' = LeakyReLU(conv(P + V_k, Ws) + bs).
///
/// Several targets share the member term: U_k' = LeakyReLU(A + conv(V_k, Ws)) with
/// A = conv(P, Ws) + bs once per target, one convolution per member and one per target. A single
/// target convolves P + V_k directly: one convolution per member and none more. Where the block
/// has a composed kernel (encoder block 0, whose outputs are pooled), the member term is
/// conv(U_k, composed) instead, with its border ring redone as conv(V_k, Ws): V_k is then needed
/// only on a ring two pixels wide, and the sum of the V_k is conv(sum of the U_k, Wc_U), one
/// convolution after the last member. Members stream through one set of buffers.
private struct MemberWork {
    /// Where U_k' goes: the map it is written to, reused for every member, and its destination.
    private struct SupportOutput {
        let activated: FeatureMap
        let destination: ForwardPass.SupportOutputDestination

        /// The epilogue of the convolution that writes U_k' of the one target into `activated`:
        /// pooled destinations activate it themselves.
        var epilogue: ConvolutionEpilogue {
            if case .pooled = destination { return .store }
            return .leakyReLU
        }

        /// Sends U_k' of the one target, written into `activated` with `epilogue`.
        func sendWritten() throws(UVSegError) {
            switch destination {
            case .maps(let receiver): try receiver(0, activated)
            case .pooled(let collectors): try collectors[0].receive(preActivation: activated, plus: nil)
            }
        }

        /// Sends U_k' = LeakyReLU(base + memberTerm) for each target's base, in target order.
        func send(bases: [FeatureMap], plus memberTerm: FeatureMap, workers: ConvolutionWorkers) throws(UVSegError) {
            for (index, base) in bases.enumerated() {
                switch destination {
                case .maps(let receiver):
                    LeakyReLU.apply(
                        sumOf: base.values, memberTerm.values, into: activated.values, count: activated.count, workers: workers)
                    try receiver(index, activated)
                case .pooled(let collectors):
                    try collectors[index].receive(preActivation: base, plus: memberTerm)
                }
            }
        }
    }

    private enum Terms {
        /// No support output: V_k only feeds the sum.
        case sumOnly(crossSupport: FeatureMap)
        /// P of the one target, and P + V_k of the current member.
        case direct(crossTarget: FeatureMap, crossSum: FeatureMap, output: SupportOutput)
        /// A per target, V_k and conv(V_k, Ws) of the current member.
        case shared(bases: [FeatureMap], crossSupport: FeatureMap, memberTerm: FeatureMap, output: SupportOutput)
        /// A per target, V_k and conv(V_k, Ws) on the border ring of the current member, the sum of
        /// the U_k, and the pooled destination (encoder block 0's, the only one with this kernel).
        case composed(
            bases: [FeatureMap], crossSupport: FeatureMap, ringTerm: FeatureMap, inputSum: FeatureMap,
            collectors: [PooledOutputCollector])
    }

    let block: CrossBlockWeights
    private let terms: Terms

    init(
        _ block: CrossBlockWeights, crossTargets: [FeatureMap], height: Int, width: Int,
        destination: ForwardPass.SupportOutputDestination?, pass: ForwardPass
    ) throws(UVSegError) {
        self.block = block
        let (cross, features) = (block.widths.crossFeatures, block.widths.outputFeatures)
        let crossMap = { () throws(UVSegError) in try FeatureMap(channels: cross, height: height, width: width) }
        let featureMap = { () throws(UVSegError) in try FeatureMap(channels: features, height: height, width: width) }
        guard let destination else {
            terms = .sumOnly(crossSupport: try crossMap())
            return
        }
        let output = SupportOutput(activated: try featureMap(), destination: destination)
        let pooledCollectors: [PooledOutputCollector]? = if case .pooled(let collectors) = destination { collectors } else { nil }
        let composes = block.composesSupport(height: height, width: width) && pooledCollectors != nil
        guard crossTargets.count > 1 || composes else {
            terms = .direct(crossTarget: crossTargets[0], crossSum: try crossMap(), output: output)
            return
        }
        let bases = try crossTargets.map { (crossTarget) throws(UVSegError) in
            let base = try featureMap()
            pass.convolve(block.support, [crossTarget.slab], bias: block.supportBias, into: base)
            return base
        }
        if composes, let pooledCollectors {
            let inputSum = try FeatureMap(channels: block.crossSupport.inputChannels, height: height, width: width)
            terms = .composed(
                bases: bases, crossSupport: try crossMap(), ringTerm: try featureMap(), inputSum: inputSum,
                collectors: pooledCollectors)
        } else {
            terms = .shared(bases: bases, crossSupport: try crossMap(), memberTerm: try featureMap(), output: output)
        }
    }

    /// Adds the member whose support input is `input`: V_k into `sum`, U_k' to the receiver.
    func add(_ input: [ChannelSlab], summingInto sum: FeatureMap, pass: ForwardPass) throws(UVSegError) {
        switch terms {
        case .sumOnly(let crossSupport):
            pass.convolve(block.crossSupport, input, bias: nil, into: crossSupport, epilogue: .summing(into: sum.values))
        case .direct(let crossTarget, let crossSum, let output):
            pass.convolve(
                block.crossSupport, input, bias: nil, into: crossSum,
                epilogue: .summingWithBase(crossTarget.values, into: sum.values))
            pass.convolve(block.support, [crossSum.slab], bias: block.supportBias, into: output.activated, epilogue: output.epilogue)
            try output.sendWritten()
        case .shared(let bases, let crossSupport, let memberTerm, let output):
            pass.convolve(block.crossSupport, input, bias: nil, into: crossSupport, epilogue: .summing(into: sum.values))
            pass.convolve(block.support, [crossSupport.slab], bias: nil, into: memberTerm)
            try output.send(bases: bases, plus: memberTerm, workers: pass.workers)
        case .composed(let bases, let crossSupport, let ringTerm, let inputSum, let collectors):
            guard let composed = block.composedSupport else { return }
            var channel = 0
            for slab in input {
                Accumulation.add(
                    slab.values, into: inputSum.values + channel * inputSum.planeSize, count: slab.channels * inputSum.planeSize,
                    workers: pass.workers)
                channel += slab.channels
            }
            let (height, width) = (ringTerm.height, ringTerm.width)
            // The border ring first, then the composed term band by band, pooled while in cache.
            block.crossSupport.applyOnBorder(
                to: input, height: height, width: width, thickness: 2, into: crossSupport.values, workers: pass.workers)
            block.support.applyOnBorder(
                to: [crossSupport.slab], height: height, width: width, into: ringTerm.values, workers: pass.workers)
            try Self.sendPooled(composed, of: input, ring: ringTerm, bases: bases, collectors: collectors, workers: pass.workers)
        }
    }

    /// Sends each target's U_k' = LeakyReLU(base + conv(U_k, composed)) to its collector, the
    /// composed term computed band by band and never written whole: each band takes its border
    /// ring pixels from `ring` (where only those are valid), then is activated, pooled and summed.
    private static func sendPooled(
        _ composed: ConvolutionKernel, of input: [ChannelSlab], ring: FeatureMap, bases: [FeatureMap],
        collectors: [PooledOutputCollector], workers: ConvolutionWorkers
    ) throws(UVSegError) {
        let (height, width, plane) = (ring.height, ring.width, ring.planeSize)
        let pooledMaps = try collectors.map { (collector) throws(UVSegError) in try collector.beginMember() }
        composed.applyByBands(
            to: input, height: height, width: width, rowsPerBand: ConvolutionWorkers.evenRowsPerBand(width: width),
            workers: workers
        ) { rows, values, channelStride in
            for channel in 0..<ring.channels {
                for row in rows {
                    let source = ring.values + channel * plane + row * width
                    let target = values + channel * channelStride + (row - rows.lowerBound) * width
                    if row == 0 || row == height - 1 {
                        target.update(from: source, count: width)
                    } else {
                        target[0] = source[0]
                        target[width - 1] = source[width - 1]
                    }
                }
            }
            for (index, base) in bases.enumerated() {
                collectors[index].addRows(
                    rows, channels: 0..<ring.channels, preActivation: base.values, plus: values,
                    addendChannelStride: channelStride, into: pooledMaps[index])
            }
        }
        for (collector, pooled) in zip(collectors, pooledMaps) {
            collector.endMember(pooled)
        }
    }

    /// Completes `sum` after the last member, where the members' V_k were not summed one by one.
    func finish(summingInto sum: FeatureMap, pass: ForwardPass) {
        guard case .composed(_, let crossSupport, _, let inputSum, _) = terms else { return }
        pass.convolve(block.crossSupport, [inputSum.slab], bias: nil, into: crossSupport, epilogue: .summing(into: sum.values))
    }
}
