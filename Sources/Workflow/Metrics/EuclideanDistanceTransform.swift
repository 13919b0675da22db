import NIfTI

/// The exact Euclidean distance transform on a grid with anisotropic voxels.
///
/// Felzenszwalb and Huttenlocher's separable algorithm ("Distance Transforms of Sampled Functions",
/// Theory of Computing 8, 2012): the squared distance is a sum of one squared term per axis, so
/// three passes of a 1-D transform (each the lower envelope of parabolas rooted at the samples)
/// give the exact result in time linear in the number of voxels. The 1-D pass works on positions
/// in millimetres, which is where the voxel spacing enters.
enum EuclideanDistanceTransform {
    /// For every voxel of a grid of `size`, the squared distance in mm² to the nearest voxel listed
    /// in `features` (storage indices, i fastest); `.infinity` everywhere when `features` is empty.
    static func squaredDistances(
        toNearestOf features: [Int], in size: GridSize, spacing: SIMD3<Double>
    ) -> [Double] {
        var distances = [Double](repeating: .infinity, count: size.voxelCount)
        for feature in features { distances[feature] = 0 }
        let counts = SIMD3(size.i, size.j, size.k)
        let strides = SIMD3(1, size.i, size.i * size.j)
        var envelope = LowerEnvelope(capacity: counts.max())
        for axis in 0..<3 {
            let (b, c) = ((axis + 1) % 3, (axis + 2) % 3)
            for cc in 0..<counts[c] {
                for bb in 0..<counts[b] {
                    envelope.transform(
                        &distances, start: bb * strides[b] + cc * strides[c], stride: strides[axis],
                        count: counts[axis], spacing: spacing[axis])
                }
            }
        }
        return distances
    }
}

/// The 1-D pass: replaces f(p) along a line by min over q of (x_p - x_q)² + f(q), where x is the
/// position in mm. Keeps its buffers between lines so a whole grid allocates them once.
private struct LowerEnvelope {
    /// f along the current line.
    private var values: [Double]
    /// The samples whose parabolas form the lower envelope, left to right.
    private var apexes: [Int]
    /// Where each envelope parabola starts to be the lowest (mm); one more entry than `apexes`.
    private var boundaries: [Double]

    init(capacity: Int) {
        values = .init(repeating: 0, count: capacity)
        apexes = .init(repeating: 0, count: capacity)
        boundaries = .init(repeating: 0, count: capacity + 1)
    }

    mutating func transform(_ line: inout [Double], start: Int, stride: Int, count: Int, spacing: Double) {
        for p in 0..<count { values[p] = line[start + p * stride] }
        // Build the envelope from the finite samples only: infinite ones never win, and their
        // meeting points would be NaN.
        var top = -1
        for q in 0..<count where values[q] < .infinity {
            guard top >= 0 else {
                top = 0
                apexes[0] = q
                boundaries[0] = -.infinity
                boundaries[1] = .infinity
                continue
            }
            // Drop the parabolas that q's parabola hides; boundaries[0] is -infinity, so top stays >= 0.
            var crossing = meetingPoint(q, apexes[top], spacing: spacing)
            while crossing <= boundaries[top] {
                top -= 1
                crossing = meetingPoint(q, apexes[top], spacing: spacing)
            }
            top += 1
            apexes[top] = q
            boundaries[top] = crossing
            boundaries[top + 1] = .infinity
        }
        guard top >= 0 else { return }  // no feature on this line: stays infinite
        var segment = 0
        for p in 0..<count {
            let xp = Double(p) * spacing
            while boundaries[segment + 1] < xp { segment += 1 }
            let v = apexes[segment]
            let offset = xp - Double(v) * spacing
            line[start + p * stride] = offset * offset + values[v]
        }
    }

    /// Where the parabolas rooted at samples q > v meet (mm), written to avoid cancellation.
    private func meetingPoint(_ q: Int, _ v: Int, spacing: Double) -> Double {
        let (xq, xv) = (Double(q) * spacing, Double(v) * spacing)
        return (values[q] - values[v]) / (2 * (xq - xv)) + (xq + xv) / 2
    }
}
