/// Which voxels of a 3-D grid count as touching.
public enum Connectivity: Sendable {
    /// Voxels sharing a face: 6 neighbours.
    case faces
    /// Voxels sharing a face, an edge or a corner: 26 neighbours.
    case full

    /// The (di, dj, dk) steps to the neighbours of a voxel.
    var offsets: [SIMD3<Int>] {
        var offsets = [SIMD3<Int>]()
        for dk in -1...1 {
            for dj in -1...1 {
                for di in -1...1 {
                    let offset = SIMD3(di, dj, dk)
                    let steps = abs(di) + abs(dj) + abs(dk)
                    if steps == 1 || (self == .full && steps > 1) { offsets.append(offset) }
                }
            }
        }
        return offsets
    }
}
