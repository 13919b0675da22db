import Diagnostics
@testable import Network
import Testing

/// Depth and widths inferred from tensor names and shapes, and the errors for tensors that do not fit.
@Suite("ArchitectureInference: depth, widths and checkpoint errors")
struct ArchitectureInferenceTests {
    static func tensors(_ config: String) throws -> [String: CheckpointTensor] {
        try CheckpointFixtures.load("\(config)/weights.safetensors").tensors
    }

    static func widths(_ pairs: [(Int, Int)]) -> [BlockWidths] {
        pairs.map { BlockWidths(crossFeatures: $0.0, outputFeatures: $0.1) }
    }

    /// The error inferring an architecture from `tensors` throws.
    static func inferenceError(_ tensors: [String: CheckpointTensor]) -> UVSegError? {
        #expect(throws: UVSegError.self) { try UniverSegArchitecture(inferringFrom: tensors) }
    }

    @Test("the published configuration: 4 encoder and 3 decoder blocks of (64, 64), 1,182,785 parameters")
    func published() throws {
        let architecture = try UniverSegArchitecture(inferringFrom: Self.tensors("published"))
        #expect(architecture.encoder == Self.widths(Array(repeating: (64, 64), count: 4)))
        #expect(architecture.decoder == Self.widths(Array(repeating: (64, 64), count: 3)))
        #expect(architecture.sizeMultiple == 8)
        #expect(architecture.parameterCount == 1_182_785)
    }

    @Test("an explicit uneven decoder and a non-default depth are read from the shapes")
    func unevenAndNonsquare() throws {
        let uneven = try UniverSegArchitecture(inferringFrom: Self.tensors("uneven"))
        #expect(uneven.encoder == Self.widths([(8, 12), (10, 6), (14, 16)]))
        #expect(uneven.decoder == Self.widths([(9, 7), (5, 11)]))
        #expect(uneven.sizeMultiple == 4)
        let nonsquare = try UniverSegArchitecture(inferringFrom: Self.tensors("nonsquare"))
        #expect(nonsquare.encoder == Self.widths([(6, 8), (8, 10), (12, 6), (10, 12)]))
        #expect(nonsquare.decoder == Self.widths([(12, 6), (8, 10), (6, 8)]))
    }

    @Test("the default decoder is the encoder reversed without its last block")
    func defaultDecoder() throws {
        let architecture = try UniverSegArchitecture(encoder: Self.widths([(1, 2), (3, 4), (5, 6)]))
        #expect(architecture.decoder == Self.widths([(3, 4), (1, 2)]))
        // Decoder 0 sees encoder 2's outputs and encoder 1's skip, decoder 1 decoder 0's and encoder 0's.
        #expect(architecture.inputChannels(.decoder(0)).target == 6 + 4)
        #expect(architecture.inputChannels(.decoder(1)).support == 4 + 2)
        #expect(architecture.tensorShapes.first { $0.name == "dec_blocks.0.cross.cross_conv.weight" }?.shape == [3, 20, 3, 3])
    }

    @Test("a missing tensor is named")
    func missingTensor() throws {
        var tensors = try Self.tensors("uneven")
        tensors["dec_blocks.1.support.vmapped.conv.bias"] = nil
        let error = try #require(Self.inferenceError(tensors))
        #expect(error.kind == .badFormat)
        #expect(error.message.contains("missing 'dec_blocks.1.support.vmapped.conv.bias'"))
    }

    @Test("a missing width-defining weight is named")
    func missingCrossWeight() throws {
        var tensors = try Self.tensors("uneven")
        tensors["enc_blocks.1.cross.cross_conv.weight"] = nil
        let error = try #require(Self.inferenceError(tensors))
        #expect(error.kind == .badFormat)
        #expect(error.message.contains("enc_blocks.1.cross.cross_conv.weight"))
    }

    @Test("an unexpected tensor is named")
    func unexpectedTensor() throws {
        var tensors = try Self.tensors("uneven")
        tensors["enc_blocks.0.norm.weight"] = CheckpointTensor(shape: [12], values: Array(repeating: 1, count: 12))
        tensors["num_batches_tracked"] = CheckpointTensor(shape: [], values: [0])
        let error = try #require(Self.inferenceError(tensors))
        #expect(error.kind == .badFormat)
        #expect(error.message.contains("unexpected 'enc_blocks.0.norm.weight', 'num_batches_tracked'"))
    }

    @Test("a tensor whose shape disagrees with the widths before it is named with both shapes")
    func wrongShape() throws {
        var tensors = try Self.tensors("uneven")
        // Encoder block 1 must see 2 x 12 channels (encoder block 0's outputs, target and support).
        tensors["enc_blocks.1.cross.cross_conv.weight"] = CheckpointTensor(
            shape: [10, 20, 3, 3], values: Array(repeating: 0, count: 10 * 20 * 9))
        tensors["out_conv.conv.bias"] = CheckpointTensor(shape: [2], values: [0, 0])
        let error = try #require(Self.inferenceError(tensors))
        #expect(error.kind == .badFormat)
        #expect(error.message.contains("'enc_blocks.1.cross.cross_conv.weight' has shape [10, 20, 3, 3], expected [10, 24, 3, 3]"))
        #expect(error.message.contains("'out_conv.conv.bias' has shape [2], expected [1]"))
    }

    @Test("a decoder whose skip channels do not match its encoder is refused")
    func decoderSkipMismatch() throws {
        var tensors = try Self.tensors("uneven")
        // Decoder block 1 sees 2 x (7 + 12): decoder 0's outputs and encoder 0's skip.
        tensors["dec_blocks.1.cross.cross_conv.weight"] = CheckpointTensor(
            shape: [5, 40, 3, 3], values: Array(repeating: 0, count: 5 * 40 * 9))
        let error = try #require(Self.inferenceError(tensors))
        #expect(error.message.contains("expected [5, 38, 3, 3]"))
    }

    @Test("a decoder block count that does not match the encoder's is refused")
    func decoderCount() throws {
        let tensors = try Self.tensors("uneven").filter { !$0.key.hasPrefix("dec_blocks.1.") }
        let error = try #require(Self.inferenceError(tensors))
        #expect(error.kind == .badFormat)
        #expect(error.message.contains("1 decoder blocks (dec_blocks.*) for 3 encoder blocks"))
    }

    @Test("tensors of another network and absurd block indices are refused")
    func notUniverSeg() throws {
        let other = ["fc.weight": CheckpointTensor(shape: [2, 2], values: [1, 2, 3, 4])]
        let error = try #require(Self.inferenceError(other))
        #expect(error.message.contains("not a UniverSeg checkpoint"))
        #expect(error.message.contains("fc.weight"))

        var tensors = try Self.tensors("uneven")
        tensors["enc_blocks.4000000000.cross.cross_conv.weight"] = CheckpointTensor(shape: [1], values: [0])
        let deep = try #require(Self.inferenceError(tensors))
        #expect(deep.kind == .unsupported)
        #expect(deep.message.contains("at most 11 encoder blocks"))
    }

    /// The tensors of a network of `depth` encoder blocks, every block (1, 1) wide.
    static func narrowNetwork(depth: Int) -> [String: CheckpointTensor] {
        var tensors: [String: CheckpointTensor] = [:]
        func add(_ name: String, _ shape: [Int]) {
            tensors[name] = CheckpointTensor(shape: shape, values: Array(repeating: 0.1, count: shape.reduce(1, *)))
        }
        for position in (0..<depth).map(BlockPosition.encoder) + (0..<depth - 1).map(BlockPosition.decoder) {
            let names = CrossBlockTensorNames(position)
            // Target plus support channels: the query and a pair, a block's outputs, or those and a skip.
            let inputs = switch position {
            case .encoder(0): 3
            case .encoder: 2
            case .decoder: 4
            }
            add(names.crossWeight, [1, inputs, 3, 3])
            add(names.crossBias, [1])
            for (weight, bias) in [(names.targetWeight, names.targetBias), (names.supportWeight, names.supportBias)] {
                add(weight, [1, 1, 3, 3])
                add(bias, [1])
            }
        }
        add(OutputTensorNames.weight, [1, 1, 1, 1])
        add(OutputTensorNames.bias, [1])
        return tensors
    }

    @Test("the deepest network accepted runs at its size multiple, the largest input size")
    func deepestNetworkRuns() throws {
        let network = try UniverSegNetwork(checkpoint: Checkpoint(tensors: Self.narrowNetwork(depth: 11)))
        #expect(network.sizeMultiple == UniverSegArchitecture.largestSizeMultiple)
        let side = network.sizeMultiple
        let image = (0..<side * side).map { Float($0 % side) / Float(side) }
        let logits = try network.predict(
            queries: image, supportImages: image, supportLabels: image.map { $0 > 0.5 ? 1 : 0 },
            queryCount: 1, supportCount: 1, height: side, width: side)
        #expect(logits.count == side * side)
        #expect(logits.allSatisfy { $0.isFinite })
    }

    @Test("a network one block deeper, which no input size could feed, is refused naming the limit")
    func tooDeepNetwork() {
        let error = Self.inferenceError(Self.narrowNetwork(depth: 12))
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("enc_blocks.11; uvseg supports at most 11 encoder blocks") == true)
        #expect(error?.message.contains("1024 is the largest input size") == true)
    }

    @Test("a zero-width or absurdly wide block is refused before anything is sized from it")
    func absurdWidths() throws {
        var tensors = try Self.tensors("uneven")
        tensors["enc_blocks.2.target.vmapped.conv.weight"] = CheckpointTensor(shape: [1 << 40, 14, 3, 0], values: [])
        let wide = try #require(Self.inferenceError(tensors))
        #expect(wide.kind == .badFormat)
        #expect(wide.message.contains("from 1 to 65536"))
        tensors["enc_blocks.2.target.vmapped.conv.weight"] = CheckpointTensor(shape: [0, 14, 3, 3], values: [])
        #expect(Self.inferenceError(tensors)?.kind == .badFormat)
    }

    @Test("a tensor whose values disagree with its shape is refused")
    func networkRefusesMutatedTensors() throws {
        var tensors = try Self.tensors("uneven")
        tensors["enc_blocks.0.cross.cross_conv.bias"] = CheckpointTensor(shape: [8], values: [1, 2, 3])
        let error = #expect(throws: UVSegError.self) { try UniverSegNetwork(checkpoint: Checkpoint(tensors: tensors)) }
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains("'enc_blocks.0.cross.cross_conv.bias' holds 3 values for shape [8]") == true)
    }
}
