import Diagnostics
import Foundation
@testable import Network
import Testing

/// The thread count changes how fast a prediction runs, never what it computes.
@Suite("NetworkParity: thread counts give bit-identical logits")
struct ThreadCountTests {
    /// 5 members form three groups of 2, 2 and 1, 16 members two of 8 (`MemberGroups`): on 2 and 3
    /// threads the groups run on different threads, and their sums still add up in group order.
    @Test("1, 2 and 3 threads give bit-identical logits that match the reference",
          arguments: ["published", "nonsquare"], [5, 16])
    func threadCountsAgree(config: String, supportCount: Int) throws {
        let network = try UniverSegNetwork(contentsOf: CheckpointFixtures.path("\(config)/weights.safetensors"))
        let parityCase = try NetworkParityTests.ParityCase(config: config)
        let support = parityCase.support(supportCount)
        let logits = try [1, 2, 3].map { threads in
            try network.predict(
                queries: parityCase.queries, supportImages: support.images, supportLabels: support.labels,
                queryCount: 2, supportCount: supportCount, height: parityCase.height, width: parityCase.width,
                threads: threads)
        }
        #expect(logits[1] == logits[0])
        #expect(logits[2] == logits[0])
        let expected = try parityCase.expectedLogits(supportCount: supportCount)
        #expect(NetworkParityTests.maximumDifference(logits[0], expected) <= NetworkParityTests.tolerance)
    }

    @Test("a thread count outside 1...maximumThreadCount is refused", arguments: [0, -1, UniverSegNetwork.maximumThreadCount + 1])
    func refusesThreadCount(threads: Int) throws {
        let network = try UniverSegNetwork(contentsOf: CheckpointFixtures.path("nonsquare/weights.safetensors"))
        let parityCase = try NetworkParityTests.ParityCase(config: "nonsquare")
        let support = parityCase.support(1)
        #expect(throws: UVSegError.self) {
            try network.predict(
                queries: parityCase.queries, supportImages: support.images, supportLabels: support.labels,
                queryCount: 2, supportCount: 1, height: parityCase.height, width: parityCase.width, threads: threads)
        }
    }
}
