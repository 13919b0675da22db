import NIfTI
import Testing
@testable import Workflow

@Suite struct LargestComponentTests {
    @Test func keepsTheLargestComponentOfEachLabel() throws {
        let map = try labelMap(slice: [
            "11..2.",
            "11..2.",
            "....2.",
            "1...22",
            "22....",
        ])
        #expect(try drawing(of: map.keepingLargestComponents()) == [
            "11..2.",
            "11..2.",
            "....2.",
            "....22",
            "......",
        ])
    }

    @Test func diagonalNeighboursTouchOnlyWithFullConnectivity() throws {
        let map = try labelMap(slice: ["1..", ".1.", "..1", "...", "11."])
        #expect(try drawing(of: map.keepingLargestComponents(connectivity: .full)) == ["1..", ".1.", "..1", "...", "..."])
        #expect(try drawing(of: map.keepingLargestComponents(connectivity: .faces)) == ["...", "...", "...", "...", "11."])
    }

    @Test func ofEquallyLargeComponentsTheFirstInStorageOrderStays() throws {
        let map = try labelMap(slice: ["...11", "11..."])
        #expect(try drawing(of: map.keepingLargestComponents()) == ["...11", "....."])
    }

    @Test func componentsConnectAcrossSlices() throws {
        // A column of 4 voxels joined through faces along k, and a staircase of 5 voxels whose
        // steps touch only at corners.
        let map = try labelMap(GridSize(i: 8, j: 8, k: 5)) { i, j, k in
            (i == 0 && j == 0 && k < 4) || (i == 2 + k && j == 2 + k) ? 1 : 0
        }
        func kept(_ connectivity: Connectivity) throws -> [[Int]] {
            let result = try map.keepingLargestComponents(connectivity: connectivity)
            return result.labels.indices.filter { result.labels[$0] != 0 }.map { [$0 % 8, $0 / 8 % 8, $0 / 64] }
        }
        #expect(try kept(.faces) == [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3]])
        #expect(try kept(.full) == [[2, 2, 0], [3, 3, 1], [4, 4, 2], [5, 5, 3], [6, 6, 4]])
    }
}
