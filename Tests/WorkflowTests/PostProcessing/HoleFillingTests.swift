import NIfTI
import Testing
@testable import Workflow

@Suite struct HoleFillingTests {
    @Test func fillsBackgroundEnclosedByOneLabelInASlice() throws {
        let map = try labelMap(slice: [
            ".111....",
            ".1.1.222",
            ".111.2.2",
            "111..222",
            "1.1.....",
        ])
        #expect(try drawing(of: map.fillingHoles()) == [
            ".111....",
            ".111.222",
            ".111.222",
            "111..222",
            "1.1.....",
        ])
    }

    @Test func leavesBackgroundBetweenTwoLabels() throws {
        let map = try labelMap(slice: [
            "11111",
            "1..21",
            "1.221",
            "11111",
        ])
        #expect(try drawing(of: map.fillingHoles()) == drawing(of: map))
    }

    @Test func aDiagonalWallEnclosesBackground() throws {
        // Face-connected background cannot slip between corner-touching label voxels.
        let map = try labelMap(slice: [
            "..1..",
            ".1.1.",
            "1...1",
            ".1.1.",
            "..1..",
        ])
        #expect(try drawing(of: map.fillingHoles()) == [
            "..1..",
            ".111.",
            "11111",
            ".111.",
            "..1..",
        ])
    }

    @Test func fillsACavityInsideAShellButNotAnOpenCup() throws {
        let size = GridSize(i: 7, j: 7, k: 7)
        let inner = 2...4
        func isShell(_ i: Int, _ j: Int, _ k: Int) -> Bool {
            (1...5).contains(i) && (1...5).contains(j) && (1...5).contains(k)
                && !(inner.contains(i) && inner.contains(j) && inner.contains(k))
        }
        let shell = try labelMap(size) { i, j, k in isShell(i, j, k) ? 3 : 0 }
        let filled = try shell.fillingHoles()
        let solidCube = try labelMap(size) { i, j, k in isShell(i, j, k) || (inner ~= i && inner ~= j && inner ~= k) ? 3 : 0 }
        #expect(filled == solidCube)
        // Remove the top lid's centre: the cavity now reaches the background around the shell.
        let cup = try labelMap(size) { i, j, k in isShell(i, j, k) && !(i == 3 && j == 3 && k == 5) ? 3 : 0 }
        #expect(try cup.fillingHoles() == cup)
    }

    @Test func aCavityOnTheGridBorderIsNotAHole() throws {
        // The label's ring of the slice is open towards the end of the grid along k (two slices).
        let map = try labelMap(GridSize(i: 3, j: 3, k: 2)) { i, j, _ in i == 1 && j == 1 ? 0 : 1 }
        #expect(try map.fillingHoles() == map)
    }
}
