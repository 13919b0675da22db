import NIfTI

/// An axis-aligned box of voxels of a grid, both corners included.
struct VoxelBox: Equatable {
    /// The corner with the smallest (i, j, k).
    var lower: SIMD3<Int>
    /// The corner with the largest (i, j, k).
    var upper: SIMD3<Int>

    /// The box holding the single voxel at `voxel`.
    init(voxel: SIMD3<Int>) {
        lower = voxel
        upper = voxel
    }

    /// Grows the box to hold `voxel`.
    mutating func include(_ voxel: SIMD3<Int>) {
        lower = pointwiseMin(lower, voxel)
        upper = pointwiseMax(upper, voxel)
    }

    /// The smallest box holding both boxes.
    func union(_ other: VoxelBox) -> VoxelBox {
        var box = self
        box.include(other.lower)
        box.include(other.upper)
        return box
    }

    /// The box's extent in voxels.
    var size: GridSize {
        let extent = upper &- lower &+ 1
        return GridSize(i: extent.x, j: extent.y, k: extent.z)
    }
}

extension LabelMap {
    /// The bounding box of each foreground label, found in one pass over the voxels.
    var boundingBoxes: [Int32: VoxelBox] {
        var boxes: [Int32: VoxelBox] = [:]
        var index = 0
        for k in 0..<size.k {
            for j in 0..<size.j {
                for i in 0..<size.i {
                    let label = labels[index]
                    index += 1
                    guard label != 0 else { continue }
                    let voxel = SIMD3(i, j, k)
                    boxes[label, default: VoxelBox(voxel: voxel)].include(voxel)
                }
            }
        }
        return boxes
    }
}
