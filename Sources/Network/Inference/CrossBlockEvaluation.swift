import Diagnostics

extension ForwardPass {
    /// Where a block's support outputs go.
    enum SupportOutputDestination {
        /// Each U_k', kept in member order (and pooled, if the collector pools).
        case kept(MemberCollector)
        /// Only the mean of the U_k'.
        case mean(MeanCollector)
        /// Each U_k' pooled and summed by the collector of its target: encoder block 0.
        case pooled([PooledOutputCollector])
    }

    /// A member's support input: the member, the lane that computes it, and that lane's workers.
    /// Valid until the lane asks for its next member's, except in a block that composes its
    /// support convolutions (encoder block 0), whose lanes ask for a whole group's inputs before
    /// computing them: those must stay valid together.
    typealias SupportInput = (_ member: Int, _ lane: Int, _ workers: ConvolutionWorkers) throws(UVSegError) -> [ChannelSlab]

    /// Evaluates one cross block for several target streams that share one support set and returns
    /// each target's T', in the exact reformulation (docs/DESIGN.md, "The exact reformulation"):
    ///
    ///     P      = conv(T, Wc_T) + bc                       once per target
    ///     V_k    = conv(U_k, Wc_U)                          once per member, shared by all targets
    ///     T'     = LeakyReLU(conv(P + mean_k V_k, Wt) + bt)
    ///     U_k'   = LeakyReLU(conv(P + V_k, Ws) + bs)
    ///
    /// since Z_k = P + V_k and convolution is linear (each operand zero-padded); with several
    /// targets, conv(P + V_k, Ws) is split into conv(P, Ws) + conv(V_k, Ws) so that the member
    /// term is shared (`MemberTerms`). U_k' goes to `supportOutput`; with `supportOutput` nil the
    /// support convolutions are skipped: T' needs only mean_k V_k.
    ///
    /// The members run in groups on `memberLaneCount` lanes, one thread each (`MemberGroups`).
    func evaluate(
        _ block: CrossBlockWeights, targets: [[ChannelSlab]], height: Int, width: Int,
        supportCount: Int, supportInput: SupportInput, supportOutput: SupportOutputDestination?
    ) throws(UVSegError) -> [FeatureMap] {
        let crossFeatures = block.widths.crossFeatures
        let crossTargets = try targets.map { (target) throws(UVSegError) in
            let crossTarget = try FeatureMap(
                channels: crossFeatures, height: height, width: width, pool: workers.pool, contents: .unspecified)
            convolve(block.crossTarget, target, bias: block.crossBias, into: crossTarget)
            return crossTarget
        }
        let terms = try MemberTerms(block, crossTargets: crossTargets, height: height, width: width, destination: supportOutput, pass: self)
        let crossSupportSum = try FeatureMap(channels: crossFeatures, height: height, width: width, pool: workers.pool)
        let summed = try terms.summedMap(crossSupportSum: crossSupportSum)
        let groups = MemberGroups(memberCount: supportCount)
        let laneCount = memberLaneCount(supportCount: supportCount)
        let slots = try (0..<(laneCount * GroupSchedule.slotsPerLane)).map { (_) throws(UVSegError) in
            try MemberSlot(terms, summingInto: summed, destination: supportOutput)
        }
        try forEachMemberGroup(groups, laneCount: laneCount) { (group, lane, slot, pass) throws(UVSegError) in
            try slots[slot].begin(group: group)
            try slots[slot].add(
                groups.members(of: group), input: { (member) throws(UVSegError) in try supportInput(member, lane, pass.workers) },
                pass: pass)
        } commit: { slot, pass in
            slots[slot].commit(workers: pass.workers)
        }
        terms.finish(summed: summed, into: crossSupportSum, pass: self)

        let inverseCount = 1 / Float(supportCount)
        return try crossTargets.map { (crossTarget) throws(UVSegError) in
            Accumulation.add(
                crossSupportSum.values, scaledBy: inverseCount, into: crossTarget.values, count: crossTarget.count, workers: workers)
            let target = try FeatureMap(
                channels: block.widths.outputFeatures, height: height, width: width, pool: workers.pool, contents: .unspecified)
            convolve(block.target, [crossTarget.slab], bias: block.targetBias, into: target, epilogue: .leakyReLU)
            return target
        }
    }

    /// `evaluate` for one target stream.
    func evaluate(
        _ block: CrossBlockWeights, target: [ChannelSlab], height: Int, width: Int,
        supportCount: Int, supportInput: SupportInput, supportOutput: SupportOutputDestination?
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

/// What a block's member loop shares between its slots: the block, how each member's terms are
/// formed, and the per-target maps they start from.
///
/// Several targets share the member term: U_k' = LeakyReLU(A + conv(V_k, Ws)) with
/// A = conv(P, Ws) + bs once per target, one convolution per member and one per target. A single
/// target convolves P + V_k directly: one convolution per member and none more. Where the block
/// has a composed convolution and its outputs are pooled (encoder block 0), the member term is
/// conv(conv(U_k, Wc_U), Ws) in that one step instead, band by band, each band activated and
/// pooled while in cache: V_k is never formed, nor the whole member term, and the sum of the V_k
/// is conv(sum of the U_k, Wc_U), one convolution after the last member.
private struct MemberTerms {
    enum Kind {
        /// No support output: V_k only feeds the sum.
        case sumOnly
        /// P of the one target; each member forms P + V_k.
        case direct(crossTarget: FeatureMap)
        /// A per target; each member forms V_k and conv(V_k, Ws).
        case shared(bases: [FeatureMap])
        /// A per target; each member's term comes from the composed convolution, band by band,
        /// straight to the pooled destination, and the members' U_k are summed.
        case composed(bases: [FeatureMap], composed: ComposedConvolution)
    }

    let block: CrossBlockWeights
    let kind: Kind
    let height: Int
    let width: Int
    /// Where the maps of the member loop take their memory from.
    let pool: BufferPool?

    init(
        _ block: CrossBlockWeights, crossTargets: [FeatureMap], height: Int, width: Int,
        destination: ForwardPass.SupportOutputDestination?, pass: ForwardPass
    ) throws(UVSegError) {
        (self.block, self.height, self.width, pool) = (block, height, width, pass.workers.pool)
        guard destination != nil else {
            kind = .sumOnly
            return
        }
        let pools = if case .pooled = destination { true } else { false }
        let composed = pools && block.composesSupport(height: height, width: width) ? block.composedSupport : nil
        guard crossTargets.count > 1 || composed != nil else {
            kind = .direct(crossTarget: crossTargets[0])
            return
        }
        let bases = try crossTargets.map { (crossTarget) throws(UVSegError) in
            let base = try FeatureMap(
                channels: block.widths.outputFeatures, height: height, width: width, pool: pass.workers.pool, contents: .unspecified)
            pass.convolve(block.support, [crossTarget.slab], bias: block.supportBias, into: base)
            return base
        }
        if let composed {
            kind = .composed(bases: bases, composed: composed)
        } else {
            kind = .shared(bases: bases)
        }
    }

    /// A map of the block's size for a member's values, which a convolution or an activation
    /// writes whole before anything reads it.
    func map(channels: Int) throws(UVSegError) -> FeatureMap {
        try FeatureMap(channels: channels, height: height, width: width, pool: pool, contents: .unspecified)
    }

    /// The map the members sum into: `crossSupportSum` itself, or, with the composed kernel, the
    /// sum of the U_k that `finish` turns into it.
    func summedMap(crossSupportSum: FeatureMap) throws(UVSegError) -> FeatureMap {
        guard case .composed = kind else { return crossSupportSum }
        return try FeatureMap(channels: block.crossSupport.inputChannels, height: height, width: width, pool: pool)
    }

    /// Completes the sum of the V_k after the last member, where the members summed their U_k.
    func finish(summed: FeatureMap, into crossSupportSum: FeatureMap, pass: ForwardPass) {
        guard case .composed = kind else { return }
        pass.convolve(block.crossSupport, [summed.slab], bias: nil, into: crossSupportSum)
    }
}

/// One slot of a block's member loop (`GroupSchedule`): the buffers each member of its group
/// streams through, and the slot's parts of the member sum and of the support output's destination.
private final class MemberSlot {
    private let terms: MemberTerms
    private let sum: PartialSum
    private let output: SupportOutput?
    /// V_k, or P + V_k: where the member forms it.
    private let crossSupport: FeatureMap?
    /// conv(V_k, Ws), where targets share it.
    private let memberTerm: FeatureMap?

    init(_ terms: MemberTerms, summingInto summed: FeatureMap, destination: ForwardPass.SupportOutputDestination?) throws(UVSegError) {
        self.terms = terms
        sum = PartialSum(of: summed.values, count: summed.count, pool: terms.pool)
        let (cross, features) = (terms.block.widths.crossFeatures, terms.block.widths.outputFeatures)
        output = try destination.map { (destination) throws(UVSegError) in
            // A pooled destination activates a shared member term itself, and a kept one keeps a
            // new map per member: no U_k' map to reuse.
            let reusesMap = switch (terms.kind, destination) {
            case (.shared, .pooled), (.composed, .pooled), (_, .kept): false
            default: true
            }
            return SupportOutput(
                reused: reusesMap ? try terms.map(channels: features) : nil, destination: destination,
                newMap: { () throws(UVSegError) in try terms.map(channels: features) })
        }
        switch terms.kind {
        case .sumOnly, .direct: (crossSupport, memberTerm) = (try terms.map(channels: cross), nil)
        case .shared: (crossSupport, memberTerm) = (try terms.map(channels: cross), try terms.map(channels: features))
        case .composed: (crossSupport, memberTerm) = (nil, nil)
        }
    }

    /// Starts group `group` of the member loop.
    func begin(group: Int) throws(UVSegError) {
        try sum.begin(group: group)
        for part in output?.part.collectorParts ?? [] { try part.begin(group: group) }
    }

    /// Adds `members`, whose support inputs `input` gives: each V_k into the sum, each U_k' to
    /// the destination.
    func add(
        _ members: Range<Int>, input: (Int) throws(UVSegError) -> [ChannelSlab], pass: ForwardPass
    ) throws(UVSegError) {
        if case .composed(let bases, let composed) = terms.kind {
            let inputs = try members.map { (member) throws(UVSegError) in try input(member) }
            try add(composedMembers: inputs, bases: bases, composed: composed, pass: pass)
            return
        }
        for member in members {
            try add(try input(member), pass: pass)
        }
    }

    /// Adds one member.
    private func add(_ input: [ChannelSlab], pass: ForwardPass) throws(UVSegError) {
        let block = terms.block
        switch terms.kind {
        case .sumOnly:
            guard let crossSupport else { preconditionFailure("a sum-only member loop forms V_k in its own map") }
            pass.convolve(block.crossSupport, input, bias: nil, into: crossSupport, epilogue: .summing(into: sum.values))
        case .direct(let crossTarget):
            guard let crossSupport, let output else {
                preconditionFailure("a direct member term has a support output and a map for P + V_k")
            }
            pass.convolve(
                block.crossSupport, input, bias: nil, into: crossSupport,
                epilogue: .summingWithBase(crossTarget.values, into: sum.values))
            let activated = try output.mapToWrite()
            pass.convolve(block.support, [crossSupport.slab], bias: block.supportBias, into: activated, epilogue: output.epilogue)
            try output.sendConvolved(activated, workers: pass.workers)
        case .shared(let bases):
            guard let crossSupport, let output, let memberTerm else {
                preconditionFailure("a shared member term has a support output and maps for V_k and conv(V_k, Ws)")
            }
            pass.convolve(block.crossSupport, input, bias: nil, into: crossSupport, epilogue: .summing(into: sum.values))
            pass.convolve(block.support, [crossSupport.slab], bias: nil, into: memberTerm)
            try output.send(bases: bases, plus: memberTerm, workers: pass.workers)
        case .composed(let bases, let composed):
            try add(composedMembers: [input], bases: bases, composed: composed, pass: pass)
        }
    }

    /// Adds a group's members through the composed convolution: every member's band is computed,
    /// activated and pooled before the next band, so that the band's rows of the bases and of
    /// the mean stay in cache across the group.
    private func add(
        composedMembers inputs: [[ChannelSlab]], bases: [FeatureMap], composed: ComposedConvolution, pass: ForwardPass
    ) throws(UVSegError) {
        // MemberTerms chooses the composed kind only for a pooled destination.
        guard case .pooled(let parts) = output?.part else {
            preconditionFailure("the composed member term writes to a pooled destination")
        }
        let (height, width) = (terms.height, terms.width)
        for input in inputs {
            var channel = 0
            for slab in input {
                Accumulation.add(
                    slab.values, into: sum.values + channel * height * width, count: slab.channels * height * width,
                    workers: pass.workers)
                channel += slab.channels
            }
        }
        let features = terms.block.widths.outputFeatures
        // pooledMaps[member][target]
        let pooledMaps = try inputs.map { (_) throws(UVSegError) in
            try parts.map { (part) throws(UVSegError) in try part.beginMember(features, height: height, width: width) }
        }
        let kernels = pass.workers.kernels.pointee
        composed.forEachBand(of: inputs, height: height, width: width, workers: pass.workers) {
            member, rows, values, channelStride in
            for (part, (base, pooled)) in zip(parts, zip(bases, pooledMaps[member])) {
                part.addRows(
                    rows, channels: 0..<features, preActivation: base, plus: values, addendChannelStride: channelStride,
                    into: pooled, kernels: kernels)
            }
        }
        for memberMaps in pooledMaps {
            for (part, pooled) in zip(parts, memberMaps) {
                part.endMember(pooled)
            }
        }
    }

    /// Adds the slot's current group to the block's sum and destination.
    func commit(workers: ConvolutionWorkers) {
        sum.commit(workers: workers)
        for part in output?.part.collectorParts ?? [] { part.commit(workers: workers) }
    }
}

/// Where a slot's U_k' go: the map it is written to, reused for every member, and the slot's part
/// of the destination.
private struct SupportOutput {
    enum Part {
        case kept(MemberCollector.Part)
        case mean(MeanCollector.Part)
        case pooled([PooledOutputCollector.Part])

        /// The collector parts behind it, which begin and commit each group alike.
        var collectorParts: [any CollectorPart] {
            switch self {
            case .kept(let part): [part]
            case .mean(let part): [part]
            case .pooled(let parts): parts
            }
        }
    }

    /// Where U_k' is written for every member, where the destination adds or copies it.
    private let reused: FeatureMap?
    /// A new map for U_k', where the destination keeps each member's.
    private let newMap: () throws(UVSegError) -> FeatureMap
    let part: Part

    init(reused: FeatureMap?, destination: ForwardPass.SupportOutputDestination, newMap: @escaping () throws(UVSegError) -> FeatureMap) {
        (self.reused, self.newMap) = (reused, newMap)
        switch destination {
        case .kept(let collector): part = .kept(collector.makePart())
        case .mean(let collector): part = .mean(collector.makePart())
        case .pooled(let collectors): part = .pooled(collectors.map { $0.makePart() })
        }
    }

    /// The map a target's U_k' is written into.
    func mapToWrite() throws(UVSegError) -> FeatureMap {
        if let reused { return reused }
        return try newMap()
    }

    /// The epilogue of the convolution that writes U_k' of the one target into `mapToWrite()`:
    /// pooled destinations activate it themselves, and a mean's part sums it as it is written.
    var epilogue: ConvolutionEpilogue {
        switch part {
        case .kept: .leakyReLU
        case .mean(let mean): .activatedSumming(into: mean.values)
        case .pooled: .store
        }
    }

    /// Sends U_k' of the one target, just written into `map` by a convolution with `epilogue`.
    func sendConvolved(_ map: FeatureMap, workers: ConvolutionWorkers) throws(UVSegError) {
        switch part {
        case .kept(let kept): try kept.receive(map, workers: workers)
        case .mean(let mean): mean.countMember()
        case .pooled(let parts): try parts[0].receive(preActivation: map, plus: nil, workers: workers)
        }
    }

    /// Sends U_k' = LeakyReLU(base + memberTerm) for each target's base, in target order.
    func send(bases: [FeatureMap], plus memberTerm: FeatureMap, workers: ConvolutionWorkers) throws(UVSegError) {
        for (target, base) in bases.enumerated() {
            switch part {
            case .kept(let kept): try kept.receive(try activated(base, plus: memberTerm, workers: workers), workers: workers)
            case .mean(let mean): mean.receive(try activated(base, plus: memberTerm, workers: workers), workers: workers)
            case .pooled(let parts): try parts[target].receive(preActivation: base, plus: memberTerm, workers: workers)
            }
        }
    }

    /// LeakyReLU(base + memberTerm), written into `mapToWrite()`.
    private func activated(_ base: FeatureMap, plus memberTerm: FeatureMap, workers: ConvolutionWorkers) throws(UVSegError) -> FeatureMap {
        let map = try mapToWrite()
        LeakyReLU.apply(sumOf: base.values, memberTerm.values, into: map.values, count: map.count, workers: workers)
        return map
    }
}
