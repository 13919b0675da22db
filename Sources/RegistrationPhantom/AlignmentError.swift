#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import NIfTI
import Registration

/// How far a registration's correspondence lies from the known one, in world mm.
extension KnownAlignment {
    /// The largest distance between the estimated and the true moving point over the eight corner
    /// voxels of the fixed grid (for an affine estimate, the largest over the whole grid).
    public func maximumCornerError(_ estimate: AffineTransform, size: GridSize, affine: [Double]) throws(UVSegError)
        -> Double
    {
        let placement = try AffineTransform(matrix: affine)
        let last = SIMD3(Double(size.i - 1), Double(size.j - 1), Double(size.k - 1))
        return (0..<8).map { corner in
            let v = SIMD3<Double>(corner & 1 == 0 ? 0 : 1, corner & 2 == 0 ? 0 : 1, corner & 4 == 0 ? 0 : 1) * last
            let x = placement.apply(v)
            let difference = estimate.apply(x) - movingPoint(x)
            return (difference * difference).sum().squareRoot()
        }.max()!
    }

    /// The mean distance between the estimated and the true moving point over the fixed voxels
    /// whose label in `mask` is not 0.
    public func meanError(of result: RegistrationResult, mask: Volume) throws(UVSegError) -> Double {
        let placement = try AffineTransform(matrix: mask.geometry.affine)
        let size = mask.size
        var total = 0.0, count = 0
        for index in 0..<size.voxelCount where mask.voxels[index] != 0 {
            let v = SIMD3(Double(index % size.i), Double((index / size.i) % size.j), Double(index / (size.i * size.j)))
            let x = placement.apply(v)
            let displaced = x + (result.field?.displacement(at: index) ?? .zero)
            let difference = result.transform.apply(displaced) - movingPoint(x)
            total += (difference * difference).sum().squareRoot()
            count += 1
        }
        return count == 0 ? 0 : total / Double(count)
    }

    /// A rotation by `degrees` about `axis` (through the origin), then a shift by `translation`,
    /// with the linear part scaled by `scale` along x, y, z.
    public static func rigid(
        degrees: Double, axis: SIMD3<Double>, translation: SIMD3<Double>, scale: SIMD3<Double> = .one
    ) -> AffineTransform {
        let k = axis / (axis * axis).sum().squareRoot()
        let angle = degrees * Double.pi / 180
        let c = cos(angle), s = sin(angle), t = 1 - c
        let rows: [SIMD3<Double>] = [
            SIMD3(t * k.x * k.x + c, t * k.x * k.y - s * k.z, t * k.x * k.z + s * k.y),
            SIMD3(t * k.x * k.y + s * k.z, t * k.y * k.y + c, t * k.y * k.z - s * k.x),
            SIMD3(t * k.x * k.z - s * k.y, t * k.y * k.z + s * k.x, t * k.z * k.z + c),
        ]
        return AffineTransform(linear: rows.map { $0 * scale }, translation: translation)
    }
}

/// Dice overlap of label `label` in two label maps of the same grid.
public func dice(_ a: Volume, _ b: Volume, label: Float) -> Double {
    var both = 0, inA = 0, inB = 0
    for (x, y) in zip(a.voxels, b.voxels) {
        if x == label { inA += 1 }
        if y == label { inB += 1 }
        if x == label && y == label { both += 1 }
    }
    return inA + inB == 0 ? 1 : 2 * Double(both) / Double(inA + inB)
}
