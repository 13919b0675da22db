/// Eigenvalues and eigenvectors of a symmetric 3 x 3 matrix by cyclic Jacobi rotations, accurate to
/// rounding; used to orthogonalise an affine exactly as an SVD would.
struct SymmetricEigen {
    /// Eigenvalues, in no particular order.
    let values: [Double]
    /// `vectors[r][c]`: component r of eigenvector c (the eigenvectors are the columns).
    let vectors: [[Double]]

    /// Decomposes `matrix` (row-major 3 x 3, symmetric).
    init(_ matrix: [[Double]]) {
        var a = matrix
        var v: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        let scale = a.joined().map { $0 * $0 }.reduce(0, +)
        for _ in 0..<64 {
            let offDiagonal = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2]
            if offDiagonal <= scale * 1e-34 { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[p][q] != 0 {
                // Numerical Recipes' rotation that zeroes a[p][q].
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot()
                let s = t * c
                for k in 0..<3 {
                    let (akp, akq) = (a[k][p], a[k][q])
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let (apk, aqk) = (a[p][k], a[q][k])
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let (vkp, vkq) = (v[k][p], v[k][q])
                    v[k][p] = c * vkp - s * vkq
                    v[k][q] = s * vkp + c * vkq
                }
            }
        }
        values = [a[0][0], a[1][1], a[2][2]]
        vectors = v
    }
}
