import NIfTI

/// Where one label is, inside a box cut from a label map; everything outside the box counts as
/// background.
struct BinaryMask {
    /// The box's extent in voxels.
    let size: GridSize
    /// One flag per voxel of the box, i fastest.
    let isSet: [Bool]

    /// The voxels of `map` inside `box` that hold `label`.
    init(label: Int32, in map: LabelMap, within box: VoxelBox) {
        size = box.size
        var isSet = [Bool]()
        isSet.reserveCapacity(size.voxelCount)
        for k in box.lower.z...box.upper.z {
            for j in box.lower.y...box.upper.y {
                let row = map.size.i * (j + map.size.j * k)
                for i in box.lower.x...box.upper.x {
                    isSet.append(map.labels[row + i] == label)
                }
            }
        }
        self.isSet = isSet
    }

    /// The number of set voxels.
    var count: Int { isSet.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// The number of voxels set in both masks, which must cover the same box.
    func overlap(with other: BinaryMask) -> Int {
        zip(isSet, other.isSet).reduce(0) { $0 + ($1.0 && $1.1 ? 1 : 0) }
    }

    /// The indices of the surface voxels: set voxels with at least one of their six face neighbours
    /// unset or outside the box (the border that a binary erosion with a 6-connected cross removes).
    var surfaceIndices: [Int] {
        let strides = SIMD3(1, size.i, size.i * size.j)
        let last = SIMD3(size.i - 1, size.j - 1, size.k - 1)
        var surface = [Int]()
        var index = 0
        for k in 0..<size.k {
            for j in 0..<size.j {
                for i in 0..<size.i {
                    defer { index += 1 }
                    guard isSet[index] else { continue }
                    let voxel = SIMD3(i, j, k)
                    let onBoxFace = any(voxel .== 0) || any(voxel .== last)
                    if onBoxFace || !isSet[index - strides.x] || !isSet[index + strides.x]
                        || !isSet[index - strides.y] || !isSet[index + strides.y]
                        || !isSet[index - strides.z] || !isSet[index + strides.z]
                    {
                        surface.append(index)
                    }
                }
            }
        }
        return surface
    }
}
