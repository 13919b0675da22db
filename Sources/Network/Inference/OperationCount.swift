extension UniverSegNetwork {
    /// The floating-point operations (multiply-adds counted as 2) of the convolutions a call of
    /// `shape` performs, following `ForwardPass`: encoder block 0's support work shared by each
    /// batch of queries, the target stream fed by the support mean, no support output in the last
    /// block (the batch size depends on `threads` only through the working-memory limit). Elementwise work (activations, pooling, upsampling, means) is left out.
    public func floatingPointOperations(for shape: PredictionShape, threads: Int = defaultThreadCount) -> Double {
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
                sharedMemberTerm: batchQueries > 1 || weights.encoder[0].composedSupport != nil)
            total += batchQueries * block.perTarget + members * block.perMember
        }
        // The blocks in between, per query; the last block sees one (mean) support input.
        for position in positions.dropFirst().dropLast() {
            let block = blockOperations(position, shape: shape, supportOutput: true, sharedMemberTerm: false)
            total += queries * (block.perTarget + members * block.perMember)
        }
        if positions.count > 1 {
            let block = blockOperations(last, shape: shape, supportOutput: false, sharedMemberTerm: false)
            total += queries * (block.perTarget + block.perMember)
        }
        total += queries * 2 * Double(shape.planeSize) * Double(architecture.finalFeatures)
        return total
    }

    /// Operations of one cross block: those done once per target stream, and once per member.
    private func blockOperations(
        _ position: BlockPosition, shape: PredictionShape, supportOutput: Bool, sharedMemberTerm: Bool
    ) -> (perTarget: Double, perMember: Double) {
        let level = architecture.level(of: position)
        let pixels = Double(shape.height >> level) * Double(shape.width >> level)
        let widths = architecture.widths(position)
        let inputs = architecture.inputChannels(position)
        let (cross, output) = (Double(widths.crossFeatures), Double(widths.outputFeatures))
        // 2 x pixels x output channels x 9 taps x input channels, for a 3 x 3 convolution.
        func convolution(_ inputChannels: Double, _ outputChannels: Double) -> Double {
            2 * pixels * outputChannels * 9 * inputChannels
        }
        // conv(T, Wc_T) and conv(P + mean V, Wt); with a shared member term, also conv(P, Ws).
        var perTarget = convolution(Double(inputs.target), cross) + convolution(cross, output)
        // conv(U_k, Wc_U); with support output, also conv(V_k, Ws) or conv(P + V_k, Ws).
        var perMember = convolution(Double(inputs.support), cross)
        if supportOutput, let composed = weights.block(at: position).composedSupport {
            // conv(U_k, composed), and conv(V_k, Ws) on the border ring.
            let ring = 2 * Double(shape.width >> level) + 2 * Double((shape.height >> level) - 2)
            perMember += 2 * pixels * output * 25 * Double(composed.inputChannels) + 2 * ring * output * 9 * cross
            perTarget += convolution(cross, output)
        } else if supportOutput {
            perMember += convolution(cross, output)
            if sharedMemberTerm { perTarget += convolution(cross, output) }
        }
        return (perTarget, perMember)
    }
}
