#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics

/// A 3-D affine map `y = linear * x + translation`, in millimetres: the voxel-to-world placement of
/// a grid, or a transform from one volume's world space to another's.
public struct AffineTransform: Sendable, Equatable {
    /// The rows of the 3 x 4 matrix `[linear | translation]`.
    public var row0: SIMD4<Double>
    public var row1: SIMD4<Double>
    public var row2: SIMD4<Double>

    /// The map from its three rows `[a, b, c, t]`.
    public init(row0: SIMD4<Double>, row1: SIMD4<Double>, row2: SIMD4<Double>) {
        self.row0 = row0
        self.row1 = row1
        self.row2 = row2
    }

    /// The map from a 3 x 3 linear part (rows) and a translation.
    public init(linear rows: [SIMD3<Double>], translation: SIMD3<Double>) {
        precondition(rows.count == 3, "a linear part has three rows")
        self.init(
            row0: SIMD4(rows[0], translation.x), row1: SIMD4(rows[1], translation.y),
            row2: SIMD4(rows[2], translation.z))
    }

    /// The map from a 4 x 4 row-major matrix (a NIfTI affine); refuses other counts, non-finite
    /// numbers and a last row other than `0 0 0 1`.
    public init(matrix: [Double]) throws(UVSegError) {
        guard matrix.count == 16, matrix.allSatisfy(\.isFinite), Array(matrix[12..<16]) == [0, 0, 0, 1] else {
            throw .invalidArgument("an affine needs 16 finite numbers (4 x 4, row-major) ending in 0 0 0 1")
        }
        self.init(
            row0: SIMD4(matrix[0], matrix[1], matrix[2], matrix[3]),
            row1: SIMD4(matrix[4], matrix[5], matrix[6], matrix[7]),
            row2: SIMD4(matrix[8], matrix[9], matrix[10], matrix[11]))
    }

    public static let identity = AffineTransform(
        row0: SIMD4(1, 0, 0, 0), row1: SIMD4(0, 1, 0, 0), row2: SIMD4(0, 0, 1, 0))

    /// The 4 x 4 row-major matrix, last row `0 0 0 1`.
    public var matrix: [Double] {
        [row0[0], row0[1], row0[2], row0[3], row1[0], row1[1], row1[2], row1[3],
         row2[0], row2[1], row2[2], row2[3], 0, 0, 0, 1]
    }

    /// The rows of the linear part.
    public var linearRows: [SIMD3<Double>] { [row0[SIMD3(0, 1, 2)], row1[SIMD3(0, 1, 2)], row2[SIMD3(0, 1, 2)]] }

    /// Column `axis` (0, 1, 2) of the linear part: where a unit step along that input axis goes.
    public func column(_ axis: Int) -> SIMD3<Double> { SIMD3(row0[axis], row1[axis], row2[axis]) }

    public var translation: SIMD3<Double> { SIMD3(row0[3], row1[3], row2[3]) }

    /// The image of point `p`.
    @inline(__always)
    public func apply(_ p: SIMD3<Double>) -> SIMD3<Double> {
        let h = SIMD4(p, 1)
        return SIMD3((row0 * h).sum(), (row1 * h).sum(), (row2 * h).sum())
    }

    /// The image of direction `v` (the linear part alone).
    @inline(__always)
    public func applyLinear(_ v: SIMD3<Double>) -> SIMD3<Double> {
        let h = SIMD4(v, 0)
        return SIMD3((row0 * h).sum(), (row1 * h).sum(), (row2 * h).sum())
    }

    /// `self ∘ inner`: applies `inner` first, then `self`.
    public func after(_ inner: AffineTransform) -> AffineTransform {
        let columns = (0..<3).map { applyLinear(inner.column($0)) }
        let t = apply(inner.translation)
        return AffineTransform(
            linear: (0..<3).map { row in SIMD3(columns[0][row], columns[1][row], columns[2][row]) },
            translation: t)
    }

    /// The determinant of the linear part.
    public var determinant: Double {
        let r = linearRows
        return (r[0] * cross(r[1], r[2])).sum()
    }

    /// The inverse map; `.badFormat` when the linear part is singular (a grid without volume).
    public func inverted() throws(UVSegError) -> AffineTransform {
        let r = linearRows
        let det = determinant
        let scale = r.map { ($0 * $0).sum() }.reduce(0, +)
        guard det.isFinite, abs(det) > 1e-12 * max(scale, 1e-300) * scale.squareRoot() else {
            throw .badFormat("an affine has a singular linear part (determinant \(det)) and cannot be inverted")
        }
        // The inverse of a matrix with rows r0, r1, r2 has columns (r1 x r2, r2 x r0, r0 x r1) / det.
        let columns = [cross(r[1], r[2]), cross(r[2], r[0]), cross(r[0], r[1])].map { $0 / det }
        let rows = (0..<3).map { row in SIMD3(columns[0][row], columns[1][row], columns[2][row]) }
        let inverseLinear = AffineTransform(linear: rows, translation: .zero)
        return AffineTransform(linear: rows, translation: -inverseLinear.applyLinear(translation))
    }

    /// The angle in degrees of the rotation between the linear parts of `self` and `other`: the
    /// rotation part of `self ∘ other⁻¹` (from its antisymmetric part, which scaling and shear
    /// leave alone to first order); meant for transforms less than 90 degrees apart.
    public func rotationAngle(relativeTo other: AffineTransform) throws(UVSegError) -> Double {
        let r = after(try other.inverted()).linearRows
        let axial = SIMD3(r[2].y - r[1].z, r[0].z - r[2].x, r[1].x - r[0].y) / 2
        return asin(min((axial * axial).sum().squareRoot(), 1)) * 180 / .pi
    }
}

@inline(__always)
func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
