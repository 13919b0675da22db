/// Trilinear interpolation in a block of Float voxels (i fastest), at continuous voxel coordinates.
///
/// Values beyond the grid are `outside` (the image's background: its minimum, 0 for label maps
/// and fields), so an image sampled partly outside fades to the background over one voxel instead
/// of jumping; `clampedValue` instead extends the border values outwards, for displacement fields.
struct TrilinearSampler {
    let voxels: UnsafeBufferPointer<Float>
    let nx: Int
    let ny: Int
    let nz: Int
    let outside: Float

    init(_ voxels: UnsafeBufferPointer<Float>, size: (Int, Int, Int), outside: Float = 0) {
        self.voxels = voxels
        (nx, ny, nz) = size
        self.outside = outside
    }

    /// Whether `q` lies within the grid's voxel centres, the region where values are interpolated
    /// rather than faded to 0.
    @inline(__always)
    func contains(_ q: SIMD3<Double>) -> Bool {
        q.x >= 0 && q.y >= 0 && q.z >= 0 && q.x <= Double(nx - 1) && q.y <= Double(ny - 1) && q.z <= Double(nz - 1)
    }

    /// The eight corner values around `q` (0 beyond the grid) and the fractions along each axis.
    @inline(__always)
    func corners(_ q: SIMD3<Double>) -> (values: SIMD8<Float>, fraction: SIMD3<Float>)? {
        let fx = q.x.rounded(.down), fy = q.y.rounded(.down), fz = q.z.rounded(.down)
        guard fx >= -1, fy >= -1, fz >= -1, fx < Double(nx), fy < Double(ny), fz < Double(nz) else { return nil }
        let x = Int(fx), y = Int(fy), z = Int(fz)
        let fraction = SIMD3<Float>(Float(q.x - fx), Float(q.y - fy), Float(q.z - fz))
        let sliceStride = nx * ny
        let base = voxels.baseAddress!
        if x >= 0, y >= 0, z >= 0, x + 1 < nx, y + 1 < ny, z + 1 < nz {
            let p = base + x + nx * y + sliceStride * z
            let q = p + sliceStride
            return (SIMD8(p[0], p[1], p[nx], p[nx + 1], q[0], q[1], q[nx], q[nx + 1]), fraction)
        }
        var values = SIMD8<Float>(repeating: outside)
        for corner in 0..<8 {
            let cx = x + (corner & 1), cy = y + ((corner >> 1) & 1), cz = z + (corner >> 2)
            if cx >= 0, cy >= 0, cz >= 0, cx < nx, cy < ny, cz < nz {
                values[corner] = base[cx + nx * cy + sliceStride * cz]
            }
        }
        return (values, fraction)
    }

    /// The interpolated value at voxel coordinates `q`.
    @inline(__always)
    func value(at q: SIMD3<Double>) -> Float {
        guard let (c, f) = corners(q) else { return outside }
        let x00 = c[0] + (c[1] - c[0]) * f.x, x10 = c[2] + (c[3] - c[2]) * f.x
        let x01 = c[4] + (c[5] - c[4]) * f.x, x11 = c[6] + (c[7] - c[6]) * f.x
        let y0 = x00 + (x10 - x00) * f.y, y1 = x01 + (x11 - x01) * f.y
        return y0 + (y1 - y0) * f.z
    }

    /// The interpolated value at `q` and its gradient along the voxel axes.
    @inline(__always)
    func valueAndGradient(at q: SIMD3<Double>) -> (value: Float, gradient: SIMD3<Float>) {
        guard let (c, f) = corners(q) else { return (outside, .zero) }
        // Corners are ordered x fastest: c[0] = (0,0,0), c[1] = (1,0,0), c[2] = (0,1,0), ... c[7] = (1,1,1).
        let gx = f.y, hx = 1 - f.y, gz = f.z, hz = 1 - f.z
        let dx00 = c[1] - c[0], dx10 = c[3] - c[2], dx01 = c[5] - c[4], dx11 = c[7] - c[6]
        let x00 = c[0] + dx00 * f.x, x10 = c[2] + dx10 * f.x, x01 = c[4] + dx01 * f.x, x11 = c[6] + dx11 * f.x
        let y0 = x00 + (x10 - x00) * f.y, y1 = x01 + (x11 - x01) * f.y
        let value = y0 + (y1 - y0) * f.z
        let dx = hz * (hx * dx00 + gx * dx10) + gz * (hx * dx01 + gx * dx11)
        let dy = hz * (x10 - x00) + gz * (x11 - x01)
        let dz = y1 - y0
        return (value, SIMD3(dx, dy, dz))
    }

    /// The interpolated value at `q` with `q` first moved onto the grid (border values extended).
    @inline(__always)
    func clampedValue(at q: SIMD3<Double>) -> Float {
        let upper = SIMD3(Double(nx - 1), Double(ny - 1), Double(nz - 1))
        return value(at: q.clamped(lowerBound: .zero, upperBound: upper))
    }
}
