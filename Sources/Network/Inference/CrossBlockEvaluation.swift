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
    /// term is shared (`MemberWork`). U_k' goes to `supportOutput`; with `supportOutput` nil the
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
/// has a composed kernel, the member term is conv(U_k, composed) instead, with its border ring
/// redone as conv(V_k, Ws): V_k is then needed only on a ring two pixels wide, and the sum of the
/// V_k is conv(sum of the U_k, Wc_U), one convolution after the last member. Members stream through
/// one set of buffers.
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
        /// A per target, V_k on the border ring and conv(U_k, composed) of the current member, and
        /// the sum of the U_k.
        case composed(
            bases: [FeatureMap], crossSupport: FeatureMap, memberTerm: FeatureMap, output: SupportOutput,
            inputSum: FeatureMap)
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
        let composes = block.composesSupport(height: height, width: width)
        guard crossTargets.count > 1 || composes else {
            terms = .direct(crossTarget: crossTargets[0], crossSum: try crossMap(), output: output)
            return
        }
        let bases = try crossTargets.map { (crossTarget) throws(UVSegError) in
            let base = try featureMap()
            pass.convolve(block.support, [crossTarget.slab], bias: block.supportBias, into: base)
            return base
        }
        if composes {
            let inputSum = try FeatureMap(channels: block.crossSupport.inputChannels, height: height, width: width)
            terms = .composed(
                bases: bases, crossSupport: try crossMap(), memberTerm: try featureMap(), output: output, inputSum: inputSum)
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
        case .composed(let bases, let crossSupport, let memberTerm, let output, let inputSum):
            guard let composed = block.composedSupport else { return }
            var channel = 0
            for slab in input {
                Accumulation.add(
                    slab.values, into: inputSum.values + channel * inputSum.planeSize, count: slab.channels * inputSum.planeSize,
                    workers: pass.workers)
                channel += slab.channels
            }
            let (height, width) = (memberTerm.height, memberTerm.width)
            block.crossSupport.applyOnBorder(
                to: input, height: height, width: width, thickness: 2, into: crossSupport.values, workers: pass.workers)
            pass.convolve(composed, input, bias: nil, into: memberTerm)
            block.support.applyOnBorder(
                to: [crossSupport.slab], height: height, width: width, into: memberTerm.values, workers: pass.workers)
            try output.send(bases: bases, plus: memberTerm, workers: pass.workers)
        }
    }

    /// Completes `sum` after the last member, where the members' V_k were not summed one by one.
    func finish(summingInto sum: FeatureMap, pass: ForwardPass) {
        guard case .composed(_, let crossSupport, _, _, let inputSum) = terms else { return }
        pass.convolve(block.crossSupport, [inputSum.slab], bias: nil, into: crossSupport, epilogue: .summing(into: sum.values))
    }
}
