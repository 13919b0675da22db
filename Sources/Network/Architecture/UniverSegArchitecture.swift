import Diagnostics

/// The shape of a UniverSeg network: the widths of its encoder and decoder cross blocks.
///
/// L encoder blocks work at L resolutions (each but the last followed by a 2 x 2 max-pool) and
/// L - 1 decoder blocks climb back, each after a 2x upsampling and a skip connection from the
/// encoder block of its resolution. Everything else (channel counts of each convolution, the names
/// and shapes of the tensors a checkpoint must hold) follows from the widths.
public struct UniverSegArchitecture: Sendable, Equatable, CustomStringConvertible {
    /// The largest `sizeMultiple` a network may have: 1024, the largest input size uvseg segments at
    /// (`VolumeSegmenter.largestInputSize`). A deeper network could never run.
    public static let largestSizeMultiple = 1024
    /// The most encoder blocks: 11, the depth whose size multiple 2^10 is `largestSizeMultiple`.
    public static let maximumEncoderBlockCount = largestSizeMultiple.trailingZeroBitCount + 1
    /// More features than any sensible block has; it keeps sizes derived from widths far from overflow.
    public static let maximumWidth = 1 << 16

    /// Widths of the encoder blocks, finest resolution first.
    public let encoder: [BlockWidths]
    /// Widths of the decoder blocks, coarsest resolution first; one fewer than the encoder's.
    public let decoder: [BlockWidths]

    /// An architecture from its widths; `decoder` defaults to the encoder widths reversed without
    /// the last one, as in the published model.
    public init(encoder: [BlockWidths], decoder: [BlockWidths]? = nil) throws(UVSegError) {
        guard (1...Self.maximumEncoderBlockCount).contains(encoder.count) else {
            throw .badFormat(
                "a UniverSeg network has 1 to \(Self.maximumEncoderBlockCount) encoder blocks, not \(encoder.count)")
        }
        let decoder = decoder ?? encoder.dropLast().reversed()
        guard decoder.count == encoder.count - 1 else {
            throw .badFormat(
                "a UniverSeg network has one decoder block fewer than encoder blocks, not \(decoder.count) for \(encoder.count)")
        }
        let allowed = 1...Self.maximumWidth
        guard (encoder + decoder).allSatisfy({ allowed.contains($0.crossFeatures) && allowed.contains($0.outputFeatures) }) else {
            throw .badFormat("every block width must be from 1 to \(Self.maximumWidth): encoder \(encoder), decoder \(decoder)")
        }
        self.encoder = encoder
        self.decoder = decoder
    }

    public var description: String { "UniverSeg network, encoder widths \(encoder), decoder widths \(decoder)" }

    /// The number image height and width must be multiples of: 2^(L-1) for L encoder blocks.
    public var sizeMultiple: Int { 1 << (encoder.count - 1) }

    /// The number of float parameters (1,182,785 for the published model).
    public var parameterCount: Int {
        tensorShapes.reduce(0) { $0 + $1.shape.reduce(1, *) }
    }

    /// Every block in evaluation order: the encoder blocks, then the decoder blocks.
    package var blockPositions: [BlockPosition] {
        encoder.indices.map(BlockPosition.encoder) + decoder.indices.map(BlockPosition.decoder)
    }

    package func widths(_ position: BlockPosition) -> BlockWidths {
        switch position {
        case .encoder(let index): encoder[index]
        case .decoder(let index): decoder[index]
        }
    }

    /// The resolution a block works at: level 0 is full resolution, each level halves it.
    package func level(of position: BlockPosition) -> Int {
        switch position {
        case .encoder(let index): index
        case .decoder(let index): encoder.count - 2 - index
        }
    }

    /// Channels of the target stream and of each support member entering a block.
    ///
    /// Encoder block 0 sees the query (1) and an image-label pair (2); encoder block i > 0 sees the
    /// pooled outputs of block i - 1; decoder block j sees the upsampled outputs of the block before
    /// it concatenated with the skip of encoder block L - 2 - j.
    package func inputChannels(_ position: BlockPosition) -> (target: Int, support: Int) {
        switch position {
        case .encoder(0):
            return (1, 2)
        case .encoder(let index):
            let previous = encoder[index - 1].outputFeatures
            return (previous, previous)
        case .decoder(let index):
            let previous = index == 0 ? encoder[encoder.count - 1].outputFeatures : decoder[index - 1].outputFeatures
            let channels = previous + encoder[encoder.count - 2 - index].outputFeatures
            return (channels, channels)
        }
    }

    /// Channels of the target stream entering the output convolution.
    package var finalFeatures: Int { (decoder.last ?? encoder[0]).outputFeatures }

    /// Every tensor a checkpoint of this architecture holds, with its shape.
    package var tensorShapes: [(name: String, shape: [Int])] {
        var shapes: [(name: String, shape: [Int])] = []
        for position in blockPositions {
            let names = CrossBlockTensorNames(position)
            let widths = widths(position)
            let inputs = inputChannels(position)
            shapes += [
                (names.crossWeight, [widths.crossFeatures, inputs.target + inputs.support, 3, 3]),
                (names.crossBias, [widths.crossFeatures]),
                (names.targetWeight, [widths.outputFeatures, widths.crossFeatures, 3, 3]),
                (names.targetBias, [widths.outputFeatures]),
                (names.supportWeight, [widths.outputFeatures, widths.crossFeatures, 3, 3]),
                (names.supportBias, [widths.outputFeatures]),
            ]
        }
        shapes += [(OutputTensorNames.weight, [1, finalFeatures, 1, 1]), (OutputTensorNames.bias, [1])]
        return shapes
    }
}
