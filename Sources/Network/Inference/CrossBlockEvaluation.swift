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
    ///     U_k'   = LeakyReLU(conv(P, Ws) + bs + conv(V_k, Ws))
    ///
    /// since Z_k = P + V_k and convolution is linear (each operand zero-padded). Members stream
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
            convolve(block.crossSupport, try supportInput(member), bias: nil, into: crossSupport)
            Accumulation.add(crossSupport.values, into: crossSupportSum.values, count: crossSupport.count)
            try supportWork?.addMember(crossSupport: crossSupport, pass: self)
        }

        let inverseCount = 1 / Float(supportCount)
        return try crossTargets.map { (crossTarget) throws(UVSegError) in
            Accumulation.add(crossSupportSum.values, scaledBy: inverseCount, into: crossTarget.values, count: crossTarget.count)
            let target = try FeatureMap(channels: block.widths.outputFeatures, height: height, width: width)
            convolve(block.target, [crossTarget.slab], bias: block.targetBias, into: target)
            LeakyReLU.applyInPlace(target.values, count: target.count)
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
        kernel.apply(to: inputs, height: output.height, width: output.width, bias: bias, into: output.values, scratch: scratch)
    }
}

/// The buffers and steps of a block's support output: U_k' = LeakyReLU(A + conv(V_k, Ws)), with
/// A = conv(P, Ws) + bs computed once per target.
private struct SupportOutputWork {
    let block: CrossBlockWeights
    let receiver: ForwardPass.SupportOutputReceiver
    /// A, per target.
    let bases: [FeatureMap]
    /// conv(V_k, Ws) of the current member.
    let memberTerm: FeatureMap
    /// U_k' of the current member and target.
    let activated: FeatureMap

    init(
        _ block: CrossBlockWeights, crossTargets: [FeatureMap], height: Int, width: Int,
        receiver: @escaping ForwardPass.SupportOutputReceiver, pass: ForwardPass
    ) throws(UVSegError) {
        self.block = block
        self.receiver = receiver
        let features = block.widths.outputFeatures
        bases = try crossTargets.map { (crossTarget) throws(UVSegError) in
            let base = try FeatureMap(channels: features, height: height, width: width)
            pass.convolve(block.support, [crossTarget.slab], bias: block.supportBias, into: base)
            return base
        }
        memberTerm = try FeatureMap(channels: features, height: height, width: width)
        activated = try FeatureMap(channels: features, height: height, width: width)
    }

    func addMember(crossSupport: FeatureMap, pass: ForwardPass) throws(UVSegError) {
        pass.convolve(block.support, [crossSupport.slab], bias: nil, into: memberTerm)
        for (index, base) in bases.enumerated() {
            LeakyReLU.apply(sumOf: base.values, memberTerm.values, into: activated.values, count: activated.count)
            try receiver(index, activated)
        }
    }
}
