import NIfTI
import Testing
@testable import Workflow

@Suite struct EuclideanDistanceTransformTests {
    /// The transform against the definition (nearest feature by exhaustive search) on random
    /// sparse features, with anisotropic spacing.
    @Test(arguments: [UInt64(1), 2, 3])
    func matchesExhaustiveSearch(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let size = GridSize(i: 7, j: 5, k: 6)
        let spacing = SIMD3(0.7, 1.3, 2.9)
        let features = (0..<size.voxelCount).filter { _ in generator.next() % 23 == 0 }
        let squared = EuclideanDistanceTransform.squaredDistances(toNearestOf: features, in: size, spacing: spacing)
        func position(_ index: Int) -> SIMD3<Double> {
            SIMD3(Double(index % size.i), Double(index / size.i % size.j), Double(index / (size.i * size.j))) * spacing
        }
        for index in 0..<size.voxelCount {
            let expected = features.map { feature -> Double in
                let offset = position(index) - position(feature)
                return (offset * offset).sum()
            }.min() ?? .infinity
            #expect(abs(squared[index] - expected) <= 1e-9 * max(1, expected), "voxel \(index)")
        }
    }

    @Test func noFeaturesLeaveEveryDistanceInfinite() {
        let squared = EuclideanDistanceTransform.squaredDistances(
            toNearestOf: [], in: GridSize(i: 3, j: 2, k: 2), spacing: SIMD3(1, 1, 1))
        #expect(squared.allSatisfy { $0 == .infinity })
    }
}
