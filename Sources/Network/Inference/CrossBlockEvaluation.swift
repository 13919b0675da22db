import Diagnostics

extension ForwardPass {
    /// Receives (target index, U_k') for each support output a block computes, members in order.
    /// The map is reused for the next member: a receiver that keeps it copies it.
    typealias SupportOutputReceiver = (Int, FeatureMap) throws(UVSegError) -> Void

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
        supportOutput: SupportOutputReceiver?
    ) throws(UVSegError) -> [FeatureMap] {
        let crossFeatures = block.widths.crossFeatures
        let crossTargets = try targets.map { (target) throws(UVSegError) in
            let crossTarget = try FeatureMap(channels: crossFeatures, height: height, width: width)
            convolve(block.crossTarget, target, bias: block.crossBias, into: crossTarget)
            return crossTarget
        }
        let supportWork = try supportOutput.map { (receiver) throws(UVSegError) in
            try SupportOutputWork(block, crossTargets: crossTargets, height: height, width: width, receiver: receiver, pass: self)
        }

        let crossSupport = try FeatureMap(channels: crossFeatures, height: height, width: width)
        let crossSupportSum = try FeatureMap(channels: crossFeatures, height: height, width: width)
        for member in 0..<supportCount {
            let input = try supportInput(member)
            convolve(block.crossSupport, input, bias: nil, into: crossSupport)
            Accumulation.add(crossSupport.values, into: crossSupportSum.values, count: crossSupport.count, workers: workers)
            try supportWork?.addMember(input: input, crossSupport: crossSupport, pass: self)
        }

        let inverseCount = 1 / Float(supportCount)
        return try crossTargets.map { (crossTarget) throws(UVSegError) in
            Accumulation.add(crossSupportSum.values, scaledBy: inverseCount, into: crossTarget.values, count: crossTarget.count, workers: workers)
            let target = try FeatureMap(channels: block.widths.outputFeatures, height: height, width: width)
            convolve(block.target, [crossTarget.slab], bias: block.targetBias, into: target)
            LeakyReLU.applyInPlace(target.values, count: target.count, workers: workers)
            return target
        }
    }

    /// `evaluate` for one target stream.
    func evaluate(
        _ block: CrossBlockWeights, target: [ChannelSlab], height: Int, width: Int,
        supportCount: Int, supportInput: (Int) throws(UVSegError) -> [ChannelSlab],
        supportOutput: SupportOutputReceiver?
    ) throws(UVSegError) -> FeatureMap {
        let targets = try evaluate(
            block, targets: [target], height: height, width: width,
            supportCount: supportCount, supportInput: supportInput, supportOutput: supportOutput)
        return targets[0]
    }

    /// output = conv(concat(inputs), kernel) + bias at `output`'s size.
    func convolve(_ kernel: ConvolutionKernel, _ inputs: [ChannelSlab], bias: [Float]?, into output: FeatureMap) {
        kernel.apply(to: inputs, height: output.height, width: output.width, bias: bias, into: output.values, workers: workers)
    }
}

/// The buffers and steps of a block's support output U_k' = LeakyReLU(conv(P + V_k, Ws) + bs).
///
/// Several targets share the member term: U_k' = LeakyReLU(A + conv(V_k, Ws)) with
/// A = conv(P, Ws) + bs once per target, one convolution per member and one per target. A single
/// target convolves P + V_k directly: one convolution per member and none more. Where the block
/// has a composed kernel, the member term is conv(U_k, composed) instead, with its border ring
/// redone as conv(V_k, Ws).
private struct SupportOutputWork {
    private enum Terms {
        /// A per target, and conv(V_k, Ws) of the current member.
        case shared(bases: [FeatureMap], memberTerm: FeatureMap)
        /// P of the one target, and P + V_k of the current member.
        case direct(crossTarget: FeatureMap, crossSum: FeatureMap)
    }

    let block: CrossBlockWeights
    let receiver: ForwardPass.SupportOutputReceiver
    private let terms: Terms
    /// U_k' of the current member and target.
    let activated: FeatureMap

    init(
        _ block: CrossBlockWeights, crossTargets: [FeatureMap], height: Int, width: Int,
        receiver: @escaping ForwardPass.SupportOutputReceiver, pass: ForwardPass
    ) throws(UVSegError) {
        self.block = block
        self.receiver = receiver
        let features = block.widths.outputFeatures
        if crossTargets.count == 1 && block.composedSupport == nil {
            terms = .direct(
                crossTarget: crossTargets[0],
                crossSum: try FeatureMap(channels: block.widths.crossFeatures, height: height, width: width))
        } else {
            let bases = try crossTargets.map { (crossTarget) throws(UVSegError) in
                let base = try FeatureMap(channels: features, height: height, width: width)
                pass.convolve(block.support, [crossTarget.slab], bias: block.supportBias, into: base)
                return base
            }
            terms = .shared(bases: bases, memberTerm: try FeatureMap(channels: features, height: height, width: width))
        }
        activated = try FeatureMap(channels: features, height: height, width: width)
    }

    func addMember(input: [ChannelSlab], crossSupport: FeatureMap, pass: ForwardPass) throws(UVSegError) {
        switch terms {
        case .shared(let bases, let memberTerm):
            if let composed = block.composedSupport {
                pass.convolve(composed, input, bias: nil, into: memberTerm)
                block.support.applyOnBorder(
                    to: crossSupport.slab, height: memberTerm.height, width: memberTerm.width,
                    into: memberTerm.values, workers: pass.workers)
            } else {
                pass.convolve(block.support, [crossSupport.slab], bias: nil, into: memberTerm)
            }
            for (index, base) in bases.enumerated() {
                LeakyReLU.apply(sumOf: base.values, memberTerm.values, into: activated.values, count: activated.count, workers: pass.workers)
                try receiver(index, activated)
            }
        case .direct(let crossTarget, let crossSum):
            Accumulation.sum(crossTarget.values, crossSupport.values, into: crossSum.values, count: crossSum.count, workers: pass.workers)
            pass.convolve(block.support, [crossSum.slab], bias: block.supportBias, into: activated)
            LeakyReLU.applyInPlace(activated.values, count: activated.count, workers: pass.workers)
            try receiver(0, activated)
        }
    }
}
