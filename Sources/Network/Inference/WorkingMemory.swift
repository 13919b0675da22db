/// The memory one prediction call needs, estimated before anything is allocated.
///
/// An upper bound that follows `ForwardPass`: each thread's convolution scratch, the full-resolution maps of
/// encoder block 0 for each query of a batch (with that query's pooled support members), the
/// per-member support maps below full resolution of one query, each block's temporaries, and the
/// buffers of each slot of a member loop.
struct WorkingMemory {
    let architecture: UniverSegArchitecture
    let shape: PredictionShape
    /// Threads of the call, each with its own scratch.
    let threadCount: Int

    /// Floats of one thread's scratch: one band of the largest convolution at any level (padded
    /// input rows or Winograd tiles, or encoder block 0's composed convolution), or the rows of the
    /// largest upsampling.
    var scratchCount: Int {
        let upsampling = BilinearUpsampling(inputHeight: shape.height / 2, inputWidth: shape.width / 2).scratchCount
        return architecture.blockPositions.map { position in
            let inputs = architecture.inputChannels(position)
            let widths = architecture.widths(position)
            let level = architecture.level(of: position)
            func scratch(_ inputChannels: Int, _ outputChannels: Int) -> Int {
                ConvolutionKernel.scratchCount(
                    inputChannels: inputChannels, outputChannels: outputChannels, size: 3,
                    height: shape.height >> level, width: shape.width >> level)
            }
            // The cross convolution's halves, the target and support convolutions, and block 0's
            // composed support convolution.
            let composed = position == .encoder(0)
                ? ComposedConvolution.scratchCount(
                    inputChannels: inputs.support, outputChannels: widths.outputFeatures, height: shape.height, width: shape.width)
                : 0
            return max(
                scratch(inputs.target, widths.crossFeatures), scratch(inputs.support, widths.crossFeatures),
                scratch(widths.crossFeatures, widths.outputFeatures), composed, upsampling)
        }.max() ?? upsampling
    }

    /// Bytes needed when `batchSize` queries share the support work of encoder block 0. A Double,
    /// so that even absurd requests are measured rather than overflowing.
    func bytes(batchSize: Int) -> Double {
        let levels = architecture.encoder.count
        let members = Double(shape.supportCount)
        func pixels(_ level: Int) -> Double { Double(shape.height >> level) * Double(shape.width >> level) }
        func output(_ position: BlockPosition) -> Double { Double(architecture.widths(position).outputFeatures) }

        let first = architecture.encoder[0]
        let (cross0, output0) = (Double(first.crossFeatures), Double(first.outputFeatures))
        let pooledMembers = levels > 1 ? members * output0 * pixels(1) : 0
        let perQuery = pixels(0) * (cross0 + 3 * output0) + pooledMembers

        var memberMaps = 0.0
        for level in 1..<max(levels, 1) {
            var channels = output(.encoder(level - 1)) + output(.encoder(level))
            if level <= levels - 2 { channels += output(.decoder(levels - 2 - level)) }
            memberMaps += members * pixels(level) * channels
        }

        var temporaries = 0.0
        for position in architecture.blockPositions {
            let level = architecture.level(of: position)
            let widths = architecture.widths(position)
            let inputs = architecture.inputChannels(position)
            temporaries += pixels(level)
                * (3 * Double(widths.crossFeatures) + 5 * Double(widths.outputFeatures) + 2 * Double(inputs.target))
        }

        // Each slot of one block's member loop (`GroupSchedule.slotsPerLane` per thread): its
        // partial sums and the maps its members stream through, and in encoder block 0 a partial
        // mean per query.
        let slot = architecture.blockPositions.map { position in
            let widths = architecture.widths(position)
            return pixels(architecture.level(of: position)) * (2 * Double(widths.crossFeatures) + 4 * Double(widths.outputFeatures))
        }.max() ?? 0
        let slots = Double(threadCount * GroupSchedule.slotsPerLane) * (slot + Double(batchSize) * output0 * pixels(0))

        let floats = Double(threadCount) * Double(scratchCount) + Double(batchSize) * perQuery + memberMaps + temporaries + slots
        return floats * Double(MemoryLayout<Float>.stride)
    }
}
