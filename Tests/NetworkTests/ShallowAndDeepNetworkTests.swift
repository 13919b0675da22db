import Diagnostics
@testable import Network
import Testing

/// Architectures the PyTorch fixtures do not cover (one or two encoder blocks, one decoder block of
/// its own widths), checked against the literal two-stream evaluation, itself checked against PyTorch.
@Suite("NetworkParity: other depths against the literal two-stream evaluation")
struct ShallowAndDeepNetworkTests {
    static func images(count: Int, height: Int, width: Int, values: inout SeededValues) -> [PlainUniverSeg.Map] {
        (0..<count).map { _ in
            PlainUniverSeg.Map(channels: 1, height: height, width: width, values: values.values(height * width, in: 0..<1))
        }
    }

    static func compare(_ tensors: [String: CheckpointTensor], supportCount: Int, height: Int, width: Int, seed: UInt64) throws -> Float {
        var values = SeededValues(seed: seed)
        let queries = images(count: 2, height: height, width: width, values: &values)
        let supportImages = images(count: supportCount, height: height, width: width, values: &values)
        let supportLabels = images(count: supportCount, height: height, width: width, values: &values).map { image in
            var label = image
            label.values = label.values.map { $0 > 0.5 ? 1 : 0 }
            return label
        }
        let plain = try PlainUniverSeg(tensors: tensors)
        let expected = queries.flatMap { plain.predict(query: $0, support: Array(zip(supportImages, supportLabels))) }
        let network = try UniverSegNetwork(checkpoint: Checkpoint(tensors: tensors))
        let logits = try network.predict(
            queries: queries.flatMap(\.values), supportImages: supportImages.flatMap(\.values),
            supportLabels: supportLabels.flatMap(\.values),
            queryCount: 2, supportCount: supportCount, height: height, width: width)
        return NetworkParityTests.maximumDifference(logits, expected)
    }

    @Test("the literal evaluation itself matches the PyTorch reference (uneven, S = 2)")
    func plainMatchesPyTorch() throws {
        let tensors = try CheckpointFixtures.load("uneven/weights.safetensors").tensors
        let parityCase = try NetworkParityTests.ParityCase(config: "uneven")
        let (height, width) = (parityCase.height, parityCase.width)
        func map(_ values: [Float], _ index: Int) -> PlainUniverSeg.Map {
            let plane = height * width
            return PlainUniverSeg.Map(channels: 1, height: height, width: width, values: Array(values[(index * plane)..<((index + 1) * plane)]))
        }
        let plain = try PlainUniverSeg(tensors: tensors)
        let support = (0..<2).map { (map(parityCase.supportImages, $0), map(parityCase.supportLabels, $0)) }
        let logits = (0..<2).flatMap { plain.predict(query: map(parityCase.queries, $0), support: support) }
        #expect(NetworkParityTests.maximumDifference(logits, try parityCase.expectedLogits(supportCount: 2)) <= 1e-4)
    }

    @Test("one, two and five encoder blocks, with S = 1 and 3",
          arguments: [
            [(3, 4)],
            [(3, 4), (5, 2)],
            [(2, 3), (4, 5), (3, 2), (2, 4), (3, 3)],
          ], [1, 3])
    func otherDepths(encoder: [(Int, Int)], supportCount: Int) throws {
        let architecture = try UniverSegArchitecture(encoder: encoder.map { BlockWidths(crossFeatures: $0.0, outputFeatures: $0.1) })
        var values = SeededValues(seed: UInt64(encoder.count * 10 + supportCount))
        let size = architecture.sizeMultiple * 2
        let difference = try Self.compare(
            values.tensors(for: architecture), supportCount: supportCount, height: size, width: size + architecture.sizeMultiple,
            seed: 7)
        #expect(difference <= 1e-4)
    }

    @Test("images no larger than the size multiple: a 1 x 1 deepest level")
    func smallestImages() throws {
        let architecture = try UniverSegArchitecture(encoder: [BlockWidths](repeating: BlockWidths(crossFeatures: 3, outputFeatures: 2), count: 3))
        var values = SeededValues(seed: 3)
        #expect(try Self.compare(values.tensors(for: architecture), supportCount: 2, height: 4, width: 4, seed: 9) <= 1e-4)
    }
}
