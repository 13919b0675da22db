import NIfTI
@testable import Workflow

/// A label map on an axis-aligned grid with voxel size `spacing`, each voxel labelled by `label`.
func labelMap(
    _ size: GridSize, spacing: [Double] = [1, 1, 1], origin: [Double] = [0, 0, 0],
    label: (Int, Int, Int) -> Int32
) throws -> LabelMap {
    var voxels = [Float]()
    for k in 0..<size.k {
        for j in 0..<size.j {
            for i in 0..<size.i { voxels.append(Float(label(i, j, k))) }
        }
    }
    let affine = [
        spacing[0], 0, 0, origin[0],
        0, spacing[1], 0, origin[1],
        0, 0, spacing[2], origin[2],
        0, 0, 0, 1,
    ]
    return try LabelMap(Volume(size: size, voxels: voxels, geometry: Geometry(affine: affine)))
}

/// A label map drawn as text, one string per row j, rows of one slice (k == 0): "." is
/// background, digits are labels.
func labelMap(slice rows: [String]) throws -> LabelMap {
    let grid = rows.map { Array($0) }
    return try labelMap(GridSize(i: grid[0].count, j: grid.count, k: 1)) { i, j, _ in
        Int32(String(grid[j][i])) ?? 0
    }
}

/// The labels of one slice drawn as `labelMap(slice:)` draws them.
func drawing(of map: LabelMap) -> [String] {
    (0..<map.size.j).map { j in
        String((0..<map.size.i).map { i in
            let label = map.labels[i + map.size.i * j]
            return label == 0 ? "." : Character(String(label))
        })
    }
}
