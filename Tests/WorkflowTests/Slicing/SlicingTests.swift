import NIfTI
import Testing
@testable import Workflow

@Suite struct SlicingTests {
    /// Every voxel distinct, so any misplaced voxel shows.
    static let phantom = Phantom(rasSize: [5, 4, 3], rasSpacing: [1, 2, 3]) { r, a, s in Int32(r + 5 * a + 20 * s) }

    @Test(arguments: Phantom.Layout.all)
    func everyLayoutReachesTheSameRASGrid(_ layout: Phantom.Layout) throws {
        let (image, labels) = try Self.phantom.volumes(layout)
        let (reference, _) = try Self.phantom.volumes(.ras)
        let labelValues = labels.labels.map(Float.init)
        let (oriented, _) = try PreparedCase.oriented(image, prepared: image.voxels, labels: labelValues)
        #expect(oriented.size == GridSize(i: 5, j: 4, k: 3))
        #expect(oriented.spacing.map { ($0 * 1e6).rounded() / 1e6 } == [1, 2, 3])
        let reorientation = try Reorientation(size: image.size, geometry: image.geometry)
        #expect(reorientation.rasSpacing.map { ($0 * 1e6).rounded() / 1e6 } == [1, 2, 3])
        #expect(oriented.image == reference.voxels)
        #expect(oriented.labels == reference.voxels.map { ($0 - 100) / 900 })
    }

    @Test(arguments: AnatomicalPlane.allCases)
    func slicesFollowTheAnatomy(_ plane: AnatomicalPlane) throws {
        let stack = SliceStack(plane: plane, size: GridSize(i: 5, j: 4, k: 3), spacing: [1, 2, 3])
        let voxels = (0..<60).map(Float.init)  // value = r + 5a + 20s on the RAS grid
        for index in 0..<stack.count {
            let slice = stack.slice(index, of: voxels)
            for row in 0..<stack.height {
                for column in 0..<stack.width {
                    let (r, a, s) = switch plane {
                    case .axial: (column, row, index)
                    case .coronal: (column, index, row)
                    case .sagittal: (index, column, row)
                    }
                    #expect(slice.pixels[row * stack.width + column] == Float(r + 5 * a + 20 * s))
                }
            }
        }
    }

    @Test(arguments: AnatomicalPlane.allCases)
    func slicingThenStoringIsExact(_ plane: AnatomicalPlane) {
        let stack = SliceStack(plane: plane, size: GridSize(i: 5, j: 4, k: 3), spacing: [1, 2, 3])
        let voxels = (0..<60).map { Float($0) * 0.37 }
        var rebuilt = [Float](repeating: -1, count: 60)
        for index in 0..<stack.count { stack.store(stack.slice(index, of: voxels), at: index, into: &rebuilt) }
        #expect(rebuilt == voxels)
        #expect(stack.relativePosition(of: 0) == 0 && stack.relativePosition(of: stack.count - 1) == 1)
    }

    @Test func automaticPlanesHaveSquareishPixelsInEveryVolume() {
        let automatic = AnatomicalPlane.automatic(forSpacings:)
        #expect(automatic([[1, 1, 1]]) == AnatomicalPlane.allCases)
        #expect(automatic([[2.2, 1.8, 2.5], [2, 2, 2]]) == AnatomicalPlane.allCases)
        // Thick slices: only the plane they were acquired in.
        #expect(automatic([[0.5, 0.5, 3]]) == [.axial])
        #expect(automatic([[3, 0.5, 0.5]]) == [.sagittal])
        #expect(automatic([[0.6, 1.5, 0.6]]) == [.coronal])
        // A thick-slice support volume limits an isotropic query's planes too.
        #expect(automatic([[1, 1, 1], [0.5, 0.5, 3]]) == [.axial])
        // No plane square enough in every volume: the squarest over all.
        #expect(automatic([[1, 1, 4], [3, 1, 1]]) == [.axial])
    }
}
