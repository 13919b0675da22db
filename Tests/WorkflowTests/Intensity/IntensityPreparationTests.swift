import Diagnostics
import NIfTI
import Testing
@testable import Workflow

@Suite struct IntensityPreparationTests {
    @Test func percentilesClipThenRescale() {
        // 0...200: numpy.percentile gives 1.0 at 0.5 and 199.0 at 99.5.
        let voxels = (0...200).map(Float.init)
        let prepared = IntensityPreparation.standard.prepare(voxels)
        #expect(prepared[0] == 0)
        #expect(prepared[1] == 0)
        #expect(prepared[199] == 1)
        #expect(prepared[200] == 1)
        #expect(abs(prepared[100] - 99.0 / 198.0) < 1e-6)
    }

    @Test func percentileInterpolatesLikeNumpy() {
        // numpy.percentile([3, 1, 4, 1, 5], 30) == 1.4 and (.., 90) == 4.6
        let sorted: [Float] = [1, 1, 3, 4, 5]
        #expect(abs(VoxelStatistics.percentile(30, ofSorted: sorted) - 1.4) < 1e-9)
        #expect(abs(VoxelStatistics.percentile(90, ofSorted: sorted) - 4.6) < 1e-9)
    }

    @Test func nonFiniteVoxelsCountAsZero() {
        let prepared = IntensityPreparation.percentiles(lower: 0, upper: 100).prepare([.nan, 10, .infinity, -.infinity, 5])
        #expect(prepared == [0, 1, 0, 0, 0.5])
    }

    @Test func constantVolumeBecomesZeros() {
        #expect(IntensityPreparation.standard.prepare([7, 7, 7]) == [0, 0, 0])
    }

    @Test func ctWindowMapsLevelAndWidth() {
        let prepared = IntensityPreparation.window(level: 40, width: 400).prepare([-1000, -160, 40, 240, 3000])
        #expect(prepared == [0, 0, 0.5, 1, 1])
    }

    @Test(arguments: [
        IntensityPreparation.percentiles(lower: 50, upper: 50), .percentiles(lower: -1, upper: 99),
        .percentiles(lower: 1, upper: 101), .window(level: 0, width: 0), .window(level: .nan, width: 10),
    ])
    func badSettingsAreRefused(_ preparation: IntensityPreparation) {
        #expect(throws: UVSegError.self) { try preparation.validate() }
    }
}
