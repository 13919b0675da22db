import Network

/// How `UniverSegNetwork.floatingPointOperations` counts a 3 x 3 convolution.
public enum ConvolutionCounting: Sendable {
    /// The arithmetic actually performed: a Winograd convolution's GEMM multiply-adds and its
    /// transforms, the other convolutions' multiply-adds.
    case performed
    /// Every 3 x 3 convolution as a direct one (9 multiply-adds per input channel and output
    /// pixel): the work a plain implementation of the same computation does.
    case direct
}

extension UniverSegNetwork {
    /// The floating-point operations (multiply-adds counted as 2) of the convolutions a call of
    /// `shape` performs, following `ForwardPass`: encoder block 0's support work shared by each
    /// batch of queries, the target stream fed by the support mean, no support output in the last
    /// block (the batch size depends on `threads` only through the working-memory limit).
    /// Elementwise work (activations, pooling, upsampling, means) is left out.
    public func floatingPointOperations(
        for shape: PredictionShape, threads: Int = defaultThreadCount, counting: ConvolutionCounting = .performed
    ) -> Double {
        let batchSize = (try? queriesPerBatch(for: shape, threads: threads)) ?? 1
        let batches = (shape.queryCount + batchSize - 1) / batchSize
        let members = Double(shape.supportCount)
        let queries = Double(shape.queryCount)
        let positions = architecture.blockPositions
        guard let last = positions.last else { return 0 }

        // Encoder block 0: per-query target work, per-batch member work; a batch of one query
        // (the last one of several batches may be one) runs the way the other blocks do.
        let keepsSupportOutput = positions.count > 1
        var total = 0.0
        for batch in 0..<batches {
            let batchQueries = Double(min(batchSize, shape.queryCount - batch * batchSize))
            let block = blockOperations(
                .encoder(0), shape: shape, supportOutput: keepsSupportOutput,
                sharedMemberTerm: batchQueries > 1, counting: counting)
            total += batchQueries * block.perTarget + members * block.perMember + block.perBatch
        }
        // The blocks in between, per query; the last block sees one (mean) support input.
        for position in positions.dropFirst().dropLast() {
            let block = blockOperations(position, shape: shape, supportOutput: true, sharedMemberTerm: false, counting: counting)
            total += queries * (block.perTarget + members * block.perMember + block.perBatch)
        }
        if positions.count > 1 {
            let block = blockOperations(last, shape: shape, supportOutput: false, sharedMemberTerm: false, counting: counting)
            total += queries * (block.perTarget + block.perMember + block.perBatch)
        }
        total += queries * 2 * Double(shape.planeSize) * Double(architecture.finalFeatures)
        return total
    }

    /// Operations of one cross block: those done once per target stream, once per member, and
    /// once per evaluation whatever the number of targets.
    private func blockOperations(
        _ position: BlockPosition, shape: PredictionShape, supportOutput: Bool, sharedMemberTerm: Bool,
        counting: ConvolutionCounting
    ) -> (perTarget: Double, perMember: Double, perBatch: Double) {
        let level = architecture.level(of: position)
        let (height, width) = (shape.height >> level, shape.width >> level)
        let pixels = Double(height) * Double(width)
        let widths = architecture.widths(position)
        let inputs = architecture.inputChannels(position)
        let (cross, output) = (Double(widths.crossFeatures), Double(widths.outputFeatures))
        func convolution(_ inputChannels: Double, _ outputChannels: Double) -> Double {
            let winograd = counting == .performed && Int(inputChannels) >= WinogradKernel.minimumInputChannels
            guard winograd else { return 2 * pixels * outputChannels * 9 * inputChannels }
            // 36 multiply-adds per tile and channel pair, plus the transforms: 340 operations per
            // tile and input channel (B^T d B), 216 per tile and output channel (A^T M A + bias).
            let tiles = Double((height + 3) / 4) * Double((width + 3) / 4)
            return tiles * (2 * 36 * inputChannels * outputChannels + 340 * inputChannels + 216 * outputChannels)
        }
        // conv(T, Wc_T) and conv(P + mean V, Wt); with a shared member term, also conv(P, Ws).
        var perTarget = convolution(Double(inputs.target), cross) + convolution(cross, output)
        // conv(U_k, Wc_U); with support output, also conv(V_k, Ws) or conv(P + V_k, Ws).
        var perMember = convolution(Double(inputs.support), cross)
        let block = weights.block(at: position)
        if supportOutput, let composed = block.composedSupport, block.composesSupport(height: height, width: width) {
            // The composed convolution with its border correction instead of conv(U_k, Wc_U) and
            // conv(V_k, Ws); the sum of the V_k from the summed U_k.
            perMember = composed.operationCount(height: height, width: width)
            perTarget += convolution(cross, output)
            return (perTarget, perMember, convolution(Double(inputs.support), cross))
        }
        if supportOutput {
            perMember += convolution(cross, output)
            if sharedMemberTerm { perTarget += convolution(cross, output) }
        }
        return (perTarget, perMember, 0)
    }
}
