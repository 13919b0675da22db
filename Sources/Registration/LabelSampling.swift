/// Label values read without blending: a label map must keep exactly its set of values.
extension TrilinearSampler {
    /// The value of the voxel nearest to `q`, 0 beyond the grid.
    @inline(__always)
    func nearestValue(at q: SIMD3<Double>) -> Float {
        let r = q.rounded(.toNearestOrAwayFromZero)
        guard r.x >= 0, r.y >= 0, r.z >= 0, r.x < Double(nx), r.y < Double(ny), r.z < Double(nz) else { return 0 }
        return voxels[Int(r.x) + nx * (Int(r.y) + ny * Int(r.z))]
    }

    /// The label whose indicator, interpolated trilinearly, is largest at `q` (ties go to the
    /// corner met first); beyond the grid the background 0 takes the weight.
    @inline(__always)
    func dominantLabel(at q: SIMD3<Double>) -> Float {
        guard let (labels, f) = corners(q) else { return 0 }
        let weights = Self.cornerWeights(f)
        var best: Float = 0, bestWeight: Float = -1
        for corner in 0..<8 {
            let label = labels[corner]
            // Each label's total is computed once, at its first corner.
            var seenBefore = false
            for earlier in 0..<corner where labels[earlier] == label { seenBefore = true }
            if seenBefore { continue }
            var total: Float = 0
            for other in corner..<8 where labels[other] == label { total += weights[other] }
            if total > bestWeight { best = label; bestWeight = total }
        }
        return best
    }

    /// The indicator of `label`, interpolated trilinearly at `q`: the share of the label around
    /// `q`, in [0, 1]; 0 beyond the grid.
    @inline(__always)
    func share(of label: Float, at q: SIMD3<Double>) -> Float {
        guard let (labels, f) = corners(q) else { return 0 }
        let weights = Self.cornerWeights(f)
        var total: Float = 0
        for corner in 0..<8 where labels[corner] == label { total += weights[corner] }
        return total
    }

    /// The trilinear weight of each corner of `corners` for the fractions `f`.
    @inline(__always)
    static func cornerWeights(_ f: SIMD3<Float>) -> SIMD8<Float> {
        var weights = SIMD8<Float>()
        for corner in 0..<8 {
            let wx = corner & 1 == 0 ? 1 - f.x : f.x
            let wy = (corner >> 1) & 1 == 0 ? 1 - f.y : f.y
            let wz = corner >> 2 == 0 ? 1 - f.z : f.z
            weights[corner] = wx * wy * wz
        }
        return weights
    }
}
