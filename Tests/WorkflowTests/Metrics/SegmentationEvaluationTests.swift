import Diagnostics
import NIfTI
import Testing
@testable import Workflow

/// Hand-computed cases; Tests/python/test_metrics_against_scipy.py compares random cases with scipy.
@Suite struct SegmentationEvaluationTests {
    /// A 3 x 3 x 3 cube of `label` with its lowest corner at `corner`, on an 8^3 grid.
    static func cube(at corner: (Int, Int, Int), spacing: [Double], label: Int32 = 1) throws -> LabelMap {
        try labelMap(GridSize(i: 8, j: 8, k: 8), spacing: spacing) { i, j, k in
            (corner.0..<corner.0 + 3).contains(i) && (corner.1..<corner.1 + 3).contains(j)
                && (corner.2..<corner.2 + 3).contains(k) ? label : 0
        }
    }

    @Test func cubesShiftedOneVoxelAlongTheCoarseAxis() throws {
        let spacing = [1.0, 1.0, 2.5]
        let evaluation = try SegmentationEvaluation(
            prediction: Self.cube(at: (2, 2, 2), spacing: spacing), truth: Self.cube(at: (2, 2, 3), spacing: spacing))
        let metrics = try #require(evaluation.labels.first)
        #expect(evaluation.labels.count == 1 && metrics.label == 1)
        // 27 voxels each, 18 shared.
        #expect(abs(metrics.dice - 2.0 / 3.0) < 1e-12)
        #expect(abs(metrics.iou - 0.5) < 1e-12)
        #expect(abs(metrics.predictedMillilitres - 27 * 2.5 / 1000) < 1e-12)
        #expect(abs(metrics.truthMillilitres - 27 * 2.5 / 1000) < 1e-12)
        // Each cube has 26 surface voxels; per direction 9 lie 2.5 mm from the other surface (the
        // face that sticks out), 16 on it, and 1 (a face centre over the other's interior centre)
        // 1 mm away in-plane. Pooled: 18 x 2.5, 32 x 0, 2 x 1.
        #expect(abs(metrics.averageSurfaceDistanceMillimetres - 47.0 / 52.0) < 1e-12)
        // The 95th percentile's rank 0.95 * 51 = 48.45 falls among the 2.5 mm distances (ranks 34-51).
        #expect(abs(metrics.hausdorff95Millimetres - 2.5) < 1e-12)
        #expect(evaluation.meanDice == metrics.dice)
    }

    @Test func shiftAlongAFineAxisMeasuresInThatAxisSpacing() throws {
        let spacing = [0.5, 1.0, 2.5]
        let evaluation = try SegmentationEvaluation(
            prediction: Self.cube(at: (2, 2, 2), spacing: spacing), truth: Self.cube(at: (3, 2, 2), spacing: spacing))
        let metrics = try #require(evaluation.labels.first)
        // As along k, but the face centres over the other's interior are now nearest to the other
        // cube's far face, one 0.5 mm step along i, rather than to an in-plane neighbour (1 mm along j).
        #expect(abs(metrics.hausdorff95Millimetres - 0.5) < 1e-12)
        #expect(abs(metrics.averageSurfaceDistanceMillimetres - 20 * 0.5 / 52) < 1e-12)
        #expect(abs(metrics.predictedMillilitres - 27 * 1.25 / 1000) < 1e-12)
    }

    @Test func identicalMapsAgreePerfectly() throws {
        let map = try labelMap(GridSize(i: 6, j: 5, k: 4), spacing: [0.8, 0.8, 3]) { i, j, k in
            i > 2 ? 2 : (j + k > 3 ? 1 : 0)
        }
        let evaluation = try SegmentationEvaluation(prediction: map, truth: map)
        #expect(evaluation.labels.map(\.label) == [1, 2])
        for metrics in evaluation.labels {
            #expect(metrics.dice == 1 && metrics.iou == 1)
            #expect(metrics.hausdorff95Millimetres == 0 && metrics.averageSurfaceDistanceMillimetres == 0)
            #expect(metrics.predictedMillilitres == metrics.truthMillilitres)
        }
    }

    @Test func labelInOnlyOneMapHasInfiniteDistances() throws {
        let spacing = [1.0, 1.0, 1.0]
        let evaluation = try SegmentationEvaluation(
            prediction: Self.cube(at: (0, 0, 0), spacing: spacing, label: 1),
            truth: Self.cube(at: (0, 0, 0), spacing: spacing, label: 2))
        #expect(evaluation.labels.map(\.label) == [1, 2])
        for metrics in evaluation.labels {
            #expect(metrics.dice == 0 && metrics.iou == 0)
            #expect(metrics.hausdorff95Millimetres == .infinity)
            #expect(metrics.averageSurfaceDistanceMillimetres == .infinity)
        }
        #expect(evaluation.labels[0].predictedMillilitres == 0.027 && evaluation.labels[0].truthMillilitres == 0)
        #expect(evaluation.meanDice == 0)
    }

    @Test func labelInNeitherMapAgreesPerfectly() throws {
        let empty = try labelMap(GridSize(i: 4, j: 4, k: 4)) { _, _, _ in 0 }
        #expect(try SegmentationEvaluation(prediction: empty, truth: empty).meanDice == nil)
        let evaluation = try SegmentationEvaluation(prediction: empty, truth: empty, labels: [3, 3])
        let metrics = try #require(evaluation.labels.first)
        #expect(evaluation.labels.count == 1 && metrics.label == 3)
        #expect(metrics.dice == 1 && metrics.iou == 1)
        #expect(metrics.hausdorff95Millimetres == 0 && metrics.averageSurfaceDistanceMillimetres == 0)
        #expect(metrics.predictedMillilitres == 0 && metrics.truthMillilitres == 0)
    }

    @Test func refusesBackgroundAsALabelToEvaluate() throws {
        let map = try labelMap(GridSize(i: 2, j: 2, k: 2)) { i, _, _ in Int32(i) }
        #expect(throws: UVSegError.self) { try SegmentationEvaluation(prediction: map, truth: map, labels: [0]) }
    }

    @Test func refusesGridsOfDifferentSizes() throws {
        let small = try labelMap(GridSize(i: 4, j: 4, k: 4)) { _, _, _ in 1 }
        let large = try labelMap(GridSize(i: 4, j: 4, k: 5)) { _, _, _ in 1 }
        let error = #expect(throws: UVSegError.self) { try SegmentationEvaluation(prediction: small, truth: large) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("4 x 4 x 4 voxels") == true)
    }

    @Test func refusesGridsPlacedApartButAcceptsRoundingDifferences() throws {
        let truth = try labelMap(GridSize(i: 4, j: 4, k: 4), spacing: [1, 1, 2]) { _, _, _ in 1 }
        let shifted = try labelMap(GridSize(i: 4, j: 4, k: 4), spacing: [1, 1, 2], origin: [0, 0.5, 0]) { _, _, _ in 1 }
        let rescaled = try labelMap(GridSize(i: 4, j: 4, k: 4), spacing: [1, 1, 2.01]) { _, _, _ in 1 }
        let rounded = try labelMap(GridSize(i: 4, j: 4, k: 4), spacing: [1, 1, 2 + 1e-7], origin: [1e-6, 0, 0]) {
            _, _, _ in 1
        }
        for prediction in [shifted, rescaled] {
            let error = #expect(throws: UVSegError.self) { try SegmentationEvaluation(prediction: prediction, truth: truth) }
            #expect(error?.message.contains("not on the grid") == true)
        }
        #expect(try SegmentationEvaluation(prediction: rounded, truth: truth).meanDice == 1)
    }
}
