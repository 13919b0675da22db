/// The memory one prediction call needs, estimated before anything is allocated.
///
/// An upper bound that follows `ForwardPass`: the convolution scratch, the full-resolution maps of
/// encoder block 0 for each query of a batch (with that query's pooled support members), the
/// per-member support maps below full resolution of one query, and each block's temporaries.
struct WorkingMemory {
    /// im2col scratch the passes aim for: bands of output rows are sized to fit it.
    static let preferredScratchCount = 1 << 21

    let architecture: UniverSegArchitecture
    let shape: PredictionShape

    /// Floats of the im2col scratch: the preferred size, or one output row of the widest
    /// convolution if that is more.
    var scratchCount: Int {
        let widestRow = architecture.blockPositions.map { position in
            let inputs = architecture.inputChannels(position)
            return max(inputs.target + inputs.support, architecture.widths(position).crossFeatures) * 9 * shape.width
        }.max() ?? 0
        return max(Self.preferredScratchCount, widestRow)
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

        let floats = Double(scratchCount) + Double(batchSize) * perQuery + memberMaps + temporaries
        return floats * Double(MemoryLayout<Float>.stride)
    }
}
