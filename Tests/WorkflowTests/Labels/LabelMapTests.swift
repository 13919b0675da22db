import Diagnostics
import NIfTI
import Testing
@testable import Workflow

@Suite struct LabelMapTests {
    static let identity = [1.0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

    @Test func keepsLabelsAndGeometryBothWays() throws {
        let geometry = try Geometry(affine: [0.5, 0, 0, 10, 0, 0.5, 0, -3, 0, 0, 2, 7, 0, 0, 0, 1])
        let volume = Volume(size: GridSize(i: 3, j: 2, k: 1), voxels: [0, 4, 4, 0, 1, 16_777_216], geometry: geometry)
        let map = try LabelMap(volume)
        #expect(map.labels == [0, 4, 4, 0, 1, 16_777_216])
        #expect(map.foregroundLabels == [1, 4, 16_777_216])
        #expect(map.volume.voxels == volume.voxels)
        #expect(map.volume.geometry == geometry && map.volume.size == volume.size)
    }

    @Test func refusesLabelsThatAreNotWholeNumbers() throws {
        let geometry = try Geometry(affine: Self.identity)
        for bad: Float in [0.5, -1, .nan, .infinity, 16_777_218] {
            let volume = Volume(size: GridSize(i: 2, j: 1, k: 1), voxels: [1, bad], geometry: geometry)
            let error = #expect(throws: UVSegError.self) { try LabelMap(volume) }
            #expect(error?.kind == .invalidArgument)
            #expect(error?.message.contains("voxel (1, 0, 0)") == true)
        }
    }

    @Test func refusesAVoxelCountThatDoesNotMatchTheSize() throws {
        let volume = Volume(size: GridSize(i: 2, j: 2, k: 1), voxels: [1, 1, 1], geometry: try Geometry(affine: Self.identity))
        #expect(throws: UVSegError.self) { try LabelMap(volume) }
    }
}
