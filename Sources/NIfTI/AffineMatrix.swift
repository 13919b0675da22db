import Diagnostics

/// A 4 x 4 voxel-to-world matrix, row-major, last row `0 0 0 1`.
struct AffineMatrix: Equatable {
    private(set) var elements: [Double]

    /// The matrix from 16 row-major numbers; refuses other counts, non-finite numbers and a last row
    /// other than `0 0 0 1`.
    init(validating elements: [Double]) throws(UVSegError) {
        guard elements.count == 16 else {
            throw .invalidArgument("an affine needs 16 numbers (4 x 4, row-major), got \(elements.count)")
        }
        guard elements.allSatisfy(\.isFinite) else {
            throw .invalidArgument("an affine must hold finite numbers only")
        }
        guard Array(elements[12..<16]) == [0, 0, 0, 1] else {
            throw .invalidArgument("an affine's last row must be 0 0 0 1")
        }
        self.elements = elements
    }

    /// A matrix known to be well formed (built by this module).
    init(unchecked elements: [Double]) { self.elements = elements }

    /// A diagonal scaling `diag(s0, s1, s2, 1)`.
    init(diagonal scale: [Double]) {
        var elements = [Double](repeating: 0, count: 16)
        for axis in 0..<3 { elements[axis * 5] = axis < scale.count ? scale[axis] : 1 }
        elements[15] = 1
        self.elements = elements
    }

    subscript(row: Int, column: Int) -> Double {
        get { elements[row * 4 + column] }
        set { elements[row * 4 + column] = newValue }
    }

    /// The lengths of the first three columns: the voxel sizes along i, j, k.
    var columnLengths: [Double] {
        (0..<3).map { column in
            (0..<3).map { self[$0, column] * self[$0, column] }.reduce(0, +).squareRoot()
        }
    }

    /// `self * other`.
    func multiplied(by other: AffineMatrix) -> AffineMatrix {
        var product = [Double](repeating: 0, count: 16)
        for row in 0..<4 {
            for column in 0..<4 {
                product[row * 4 + column] = (0..<4).map { self[row, $0] * other[$0, column] }.reduce(0, +)
            }
        }
        return AffineMatrix(unchecked: product)
    }
}
