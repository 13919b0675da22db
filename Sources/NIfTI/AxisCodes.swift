import Diagnostics

/// Which world axis an array axis runs along, and in which direction.
public struct OrientedAxis: Sendable, Equatable, Hashable {
    /// 0 for x (left-right), 1 for y (posterior-anterior), 2 for z (inferior-superior).
    public let worldAxis: Int
    /// Whether increasing the array index moves towards L, P or I rather than R, A or S.
    public let isReversed: Bool

    public init(worldAxis: Int, isReversed: Bool) {
        self.worldAxis = worldAxis
        self.isReversed = isReversed
    }

    /// The letter nibabel uses: the direction the axis points to ("R", "L", "A", "P", "S", "I").
    public var code: Character {
        let letters: [(Character, Character)] = [("L", "R"), ("P", "A"), ("I", "S")]
        return isReversed ? letters[worldAxis].0 : letters[worldAxis].1
    }
}

/// The anatomical directions of a grid's array axes i, j, k, as nibabel's `aff2axcodes` gives them
/// ("RAS", "LPS", "LAS", ...).
public struct AxisCodes: Sendable, Equatable, CustomStringConvertible {
    /// One entry per array axis; nil where the affine gives the axis no direction (a zero column).
    public let axes: [OrientedAxis?]

    /// The codes of `affine` (16 numbers, row-major, as in `Geometry.affine`).
    ///
    /// Follows nibabel's `io_orientation`: normalise the columns, take the closest orthogonal
    /// matrix (dropping directions with singular values below rounding level), then give each array
    /// axis in turn the world axis it moves along most, never reusing a world axis.
    public init(affine: [Double]) throws(UVSegError) {
        let matrix = try AffineMatrix(validating: affine)
        var rotation = Self.closestOrthogonal(matrix)
        var axes: [OrientedAxis?] = []
        for arrayAxis in 0..<3 {
            let column = (0..<3).map { rotation[$0][arrayAxis] }
            guard column.contains(where: { abs($0) > 1e-8 }) else {
                axes.append(nil)
                continue
            }
            var worldAxis = 0
            for row in 1..<3 where abs(column[row]) > abs(column[worldAxis]) { worldAxis = row }
            axes.append(OrientedAxis(worldAxis: worldAxis, isReversed: column[worldAxis] < 0))
            rotation[worldAxis] = [0, 0, 0]
        }
        self.axes = axes
    }

    /// "RAS"-style text; "?" marks an axis without direction.
    public var description: String { String(axes.map { $0?.code ?? "?" }) }

    /// The array axis (0, 1, 2) that runs along `worldAxis` (0 x, 1 y, 2 z), if any.
    public func arrayAxis(alongWorldAxis worldAxis: Int) -> Int? {
        axes.firstIndex { $0?.worldAxis == worldAxis }
    }

    /// The polar factor of the column-normalised 3 x 3 part of `matrix`: `P Q` of its SVD `P S Q`,
    /// keeping only singular values above nibabel's tolerance (max(S) * 3 * eps).
    private static func closestOrthogonal(_ matrix: AffineMatrix) -> [[Double]] {
        let lengths = matrix.columnLengths.map { $0 == 0 ? 1 : $0 }
        let rs = (0..<3).map { row in (0..<3).map { matrix[row, $0] / lengths[$0] } }
        let gram = (0..<3).map { r in (0..<3).map { c in (0..<3).map { rs[$0][r] * rs[$0][c] }.reduce(0, +) } }
        let eigen = SymmetricEigen(gram)
        let singular = eigen.values.map { max($0, 0).squareRoot() }
        let tolerance = (singular.max() ?? 0) * 3 * Double.ulpOfOne
        var result = [[Double]](repeating: [0, 0, 0], count: 3)
        for k in 0..<3 where singular[k] > tolerance {
            let v = (0..<3).map { eigen.vectors[$0][k] }
            let u = (0..<3).map { row in (0..<3).map { rs[row][$0] * v[$0] }.reduce(0, +) / singular[k] }
            for row in 0..<3 { for column in 0..<3 { result[row][column] += u[row] * v[column] } }
        }
        return result
    }
}

extension Geometry {
    /// The anatomical directions of the array axes; `.invalidArgument` for a malformed affine.
    public var axisCodes: AxisCodes {
        get throws(UVSegError) { try AxisCodes(affine: affine) }
    }
}
