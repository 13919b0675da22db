import CNIfTI

/// Conversions between `AffineMatrix` and libnifti's `nifti_dmat44`.
extension AffineMatrix {
    init(_ matrix: nifti_dmat44) {
        var copy = matrix.m
        let elements = withUnsafeBytes(of: &copy) { Array($0.bindMemory(to: Double.self)) }
        self.init(unchecked: elements)
    }

    var niftiMatrix: nifti_dmat44 {
        var matrix = nifti_dmat44()
        withUnsafeMutableBytes(of: &matrix.m) { raw in
            let destination = raw.bindMemory(to: Double.self)
            for index in 0..<16 { destination[index] = elements[index] }
        }
        return matrix
    }
}

extension QuaternionForm {
    /// The qform closest to `matrix` (its rotation part orthogonalised), as libnifti computes it.
    init(closestTo matrix: AffineMatrix) {
        var b = 0.0, c = 0.0, d = 0.0, x = 0.0, y = 0.0, z = 0.0
        var dx = 0.0, dy = 0.0, dz = 0.0, qfac = 0.0
        nifti_dmat44_to_quatern(matrix.niftiMatrix, &b, &c, &d, &x, &y, &z, &dx, &dy, &dz, &qfac)
        self.init(b: b, c: c, d: d, offset: [x, y, z], qfac: qfac < 0 ? -1 : 1)
    }

    /// The voxel-to-world matrix of this qform with grid spacings `pixdim[0...2]`, as libnifti computes it.
    func matrix(spacing: [Double]) -> AffineMatrix {
        let s = spacing + [1, 1, 1]
        return AffineMatrix(
            nifti_quatern_to_dmat44(b, c, d, offset[0], offset[1], offset[2], s[0], s[1], s[2], qfac))
    }
}
