import Diagnostics
import Testing
@testable import NIfTI

@Suite("Reorientation to RAS and back")
struct ReorientationTests {
    /// A volume whose voxel values are their own linear indices, on `affine`.
    private func volume(_ size: GridSize, _ affine: [Double]) throws -> Volume {
        Volume(
            size: size, voxels: (0..<size.voxelCount).map(Float.init), geometry: try Geometry(affine: affine))
    }

    /// Every voxel of `original` lands, with its value, at the same world position in `ras`.
    /// Valid for axis-aligned affines, where the RAS affine is diagonal.
    private func expectSameWorld(_ original: Volume, _ ras: Volume) {
        let a = original.geometry.affine, b = ras.geometry.affine
        let size = original.size
        for k in 0..<size.k {
            for j in 0..<size.j {
                for i in 0..<size.i {
                    let index: [Double] = [Double(i), Double(j), Double(k), 1]
                    var n: [Int] = []
                    for row in 0..<3 {
                        var world = 0.0
                        for column in 0..<4 { world += a[row * 4 + column] * index[column] }
                        let rasCoordinate: Double = (world - b[row * 4 + 3]) / b[row * 5]
                        n.append(Int(rasCoordinate.rounded()))
                    }
                    let rasIndex = n[0] + ras.size.i * (n[1] + ras.size.j * n[2])
                    #expect(ras.voxels[rasIndex] == original.voxels[i + size.i * (j + size.j * k)])
                }
            }
        }
    }

    @Test("an LSA grid becomes nibabel's closest canonical grid")
    func matchesNibabel() throws {
        let original = try volume(GridSize(i: 2, j: 3, k: 4), [-2, 0, 0, 10, 0, 0, 3, -5, 0, 1.5, 0, 7, 0, 0, 0, 1])
        let (ras, reorientation) = try original.reorientedToRAS()
        // nibabel.as_closest_canonical on the same affine and shape.
        #expect(ras.geometry.affine == [2, 0, 0, 8, 0, 3, 0, -5, 0, 0, 1.5, 7, 0, 0, 0, 1])
        #expect(ras.size == GridSize(i: 2, j: 4, k: 3))
        #expect(try ras.geometry.axisCodes.description == "RAS")
        expectSameWorld(original, ras)
        let restored = try reorientation.restore(ras)
        #expect(restored.voxels == original.voxels && restored.geometry == original.geometry)
    }

    @Test("all 48 axis-aligned orientations reorient exactly and come back unchanged")
    func allOrientations() throws {
        let permutations = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
        let size = GridSize(i: 2, j: 3, k: 4)
        for permutation in permutations {
            for flips in 0..<8 {
                var affine = [Double](repeating: 0, count: 16)
                for (arrayAxis, worldAxis) in permutation.enumerated() {
                    let sign: Double = flips & (1 << arrayAxis) != 0 ? -1 : 1
                    affine[worldAxis * 4 + arrayAxis] = sign * Double(arrayAxis + 1)
                    affine[worldAxis * 4 + 3] = Double(10 * worldAxis + 1)
                }
                affine[15] = 1
                let original = try volume(size, affine)
                let (ras, reorientation) = try original.reorientedToRAS()
                #expect(try ras.geometry.axisCodes.description == "RAS")
                expectSameWorld(original, ras)
                let restored = try reorientation.restore(ras)
                #expect(restored.voxels == original.voxels)
                #expect(restored.geometry == original.geometry && restored.size == size)
            }
        }
    }

    @Test("a RAS volume is returned unchanged")
    func identity() throws {
        let original = try volume(GridSize(i: 3, j: 2, k: 2), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        let (ras, reorientation) = try original.reorientedToRAS()
        #expect(reorientation.isIdentity && ras.voxels == original.voxels && ras.geometry == original.geometry)
    }

    @Test("degenerate affines and wrong sizes are refused")
    func refusals() throws {
        let flat = try volume(GridSize(i: 2, j: 2, k: 2), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        let degenerate = caughtError { try flat.reorientedToRAS() }
        #expect(degenerate?.kind == .badFormat && degenerate?.message.contains("no direction") == true)

        let lsa = try volume(GridSize(i: 2, j: 3, k: 4), [-2, 0, 0, 10, 0, 0, 3, -5, 0, 1.5, 0, 7, 0, 0, 0, 1])
        let (_, reorientation) = try lsa.reorientedToRAS()
        let wrong = caughtError { try reorientation.restore(lsa) }
        #expect(wrong?.kind == .invalidArgument && wrong?.message.contains("cannot be restored") == true)
    }
}
