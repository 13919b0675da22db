import Diagnostics
import Foundation
@testable import Network
import Testing

/// The network against the PyTorch reference (tools/reference/universeg_reference.py): the fixtures
/// hold two queries, sixteen support pairs and the reference logits using the first S pairs.
@Suite("NetworkParity: logits match the PyTorch reference")
struct NetworkParityTests {
    static let tolerance: Float = 1e-4

    /// A fixture configuration's reference case.
    struct ParityCase {
        let height: Int
        let width: Int
        let queries: [Float]
        let supportImages: [Float]
        let supportLabels: [Float]
        let tensors: [String: CheckpointTensor]

        init(config: String) throws {
            tensors = try CheckpointFixtures.load("\(config)/case.safetensors").tensors
            let query = try #require(tensors["query"])
            height = query.shape[1]
            width = query.shape[2]
            queries = query.values
            supportImages = try #require(tensors["support_images"]).values
            supportLabels = try #require(tensors["support_labels"]).values
        }

        /// The first `count` support pairs.
        func support(_ count: Int) -> (images: [Float], labels: [Float]) {
            let values = count * height * width
            return (Array(supportImages.prefix(values)), Array(supportLabels.prefix(values)))
        }

        func expectedLogits(supportCount: Int) throws -> [Float] {
            try #require(tensors["logits_s\(supportCount)"]).values
        }
    }

    static func maximumDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test("two queries at S = 1, 2, 5 and 16 match to 1e-4 (safetensors weights)",
          arguments: ["published", "uneven", "nonsquare"], [1, 2, 5, 16])
    func parity(config: String, supportCount: Int) throws {
        let network = try UniverSegNetwork(contentsOf: CheckpointFixtures.path("\(config)/weights.safetensors"))
        let parityCase = try ParityCase(config: config)
        let support = parityCase.support(supportCount)
        let logits = try network.predict(
            queries: parityCase.queries, supportImages: support.images, supportLabels: support.labels,
            queryCount: 2, supportCount: supportCount, height: parityCase.height, width: parityCase.width)
        let expected = try parityCase.expectedLogits(supportCount: supportCount)
        #expect(logits.count == expected.count)
        #expect(Self.maximumDifference(logits, expected) <= Self.tolerance)
    }

    @Test("a network loaded from the PyTorch .pt file predicts the same logits",
          arguments: ["uneven", "nonsquare"])
    func parityFromPyTorchFile(config: String) throws {
        let network = try UniverSegNetwork(contentsOf: CheckpointFixtures.path("\(config)/weights.pt"))
        let parityCase = try ParityCase(config: config)
        let support = parityCase.support(5)
        let logits = try network.predict(
            queries: parityCase.queries, supportImages: support.images, supportLabels: support.labels,
            queryCount: 2, supportCount: 5, height: parityCase.height, width: parityCase.width)
        #expect(Self.maximumDifference(logits, try parityCase.expectedLogits(supportCount: 5)) <= Self.tolerance)
    }
}
