#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIfTI
import Testing
@testable import Workflow

@Suite struct IntensityRefinementTests {
    /// Lines of 60 voxels along i, alike for every (j, k): dark background, label 1, label 2 (close
    /// to label 1 in intensity), bright background, 15 voxels each, with a little ripple.
    static let size = GridSize(i: 60, j: 3, k: 3)
    static let truth: [Int32] = (0..<60).map { $0 < 15 ? 0 : $0 < 30 ? 1 : $0 < 45 ? 2 : 0 }
    static let intensities: [Float] = volume { i in
        Float([0.1, 0.45, 0.6, 0.95][i / 15]) + 0.02 * Float(sin(Double(i) * 2.3))
    }

    /// A value per voxel from a function of i alone.
    static func volume(_ value: (Int) -> Float) -> [Float] {
        (0..<(size.i * size.j * size.k)).map { value($0 % size.i) }
    }

    /// Soft priors whose 0.5 crossings lie 2 voxels outwards into the background on both sides and
    /// 2 voxels into label 2 between the labels, as a network's blurred borders.
    static let prior: [[Float]] = {
        func logistic(_ t: Double) -> Float { Float(1 / (1 + exp(-t / 3))) }
        let first = volume { i in logistic(Double(i) - 12.5) * logistic(31.5 - Double(i)) }
        let second = volume { i in logistic(Double(i) - 31.5) * logistic(46.5 - Double(i)) }
        return [first, second]
    }()

    /// The wrong voxels of one line of `map`.
    static func errors(_ map: [Float]) -> Set<Int> {
        Set((0..<size.i).filter { map[$0] != Float(truth[$0]) })
    }

    @Test func bordersMoveTowardsTheIntensityEdges() {
        let unrefined = Self.errors(VolumeSegmenter.mostProbableLabels(Self.prior, labels: [1, 2]))
        var refined = Self.prior
        IntensityRefinement.refine(&refined, intensities: Self.intensities, size: Self.size)
        let map = VolumeSegmenter.mostProbableLabels(refined, labels: [1, 2], againstBackground: true)
        let errors = Self.errors(map)
        #expect(unrefined == [13, 14, 30, 31, 45, 46])
        #expect(errors.count <= 3, "each misplaced border moves at least one voxel: \(errors.sorted())")
        #expect(errors.isSubset(of: unrefined), "no voxel the prior had right is lost")
        // Every line alike, as its inputs are.
        let line = Array(map[0..<Self.size.i])
        #expect((0..<(Self.size.j * Self.size.k)).allSatisfy { Array(map[$0 * Self.size.i..<($0 + 1) * Self.size.i]) == line })
    }

    @Test func posteriorsShareOneDistributionWithBackground() {
        var refined = Self.prior
        IntensityRefinement.refine(&refined, intensities: Self.intensities, size: Self.size)
        for voxel in refined[0].indices {
            let sum = refined[0][voxel] + refined[1][voxel]
            #expect(refined[0][voxel] >= 0 && refined[1][voxel] >= 0 && sum <= 1 + 1e-5)
        }
        // Far from the labels, background stays certain.
        #expect(refined[0][0] + refined[1][0] < 0.02)
    }

    @Test func intensitiesThatSayNothingLeaveTheDecisionToThePrior() {
        var refined = Self.prior
        IntensityRefinement.refine(&refined, intensities: Self.volume { _ in 0.5 }, size: Self.size)
        #expect(
            VolumeSegmenter.mostProbableLabels(refined, labels: [1, 2], againstBackground: true)
                == VolumeSegmenter.mostProbableLabels(Self.prior, labels: [1, 2]))
    }

    @Test func nothingLabelledLeavesProbabilitiesAsTheyAre() {
        let faint = Self.prior.map { $0.map { $0 * 0.9 * 0.5 } }
        var refined = faint
        IntensityRefinement.refine(&refined, intensities: Self.intensities, size: Self.size)
        #expect(refined == faint)
    }

    @Test func aLabelAboveBackgroundWinsWhenRefined() {
        let probabilities: [[Float]] = [[0.4, 0.2, 0.35], [0.3, 0.1, 0.35]]
        #expect(VolumeSegmenter.mostProbableLabels(probabilities, labels: [1, 2], againstBackground: true) == [1, 0, 1])
        #expect(VolumeSegmenter.mostProbableLabels(probabilities, labels: [1, 2]) == [0, 0, 0])
    }
}
