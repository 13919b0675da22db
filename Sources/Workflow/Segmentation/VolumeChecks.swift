import Diagnostics
import NIfTI

/// The checks a volume passes before any heavy work, so bad input fails early with a clear message.
enum VolumeChecks {
    /// How far apart (mm) two affines may place a corner voxel and still describe one grid: far
    /// below a voxel, far above the float32 rounding of affines stored in NIfTI headers.
    static let gridToleranceMillimetres = 1e-3

    /// Throws `.invalidArgument` unless the volume has at least one voxel per axis, as many values
    /// as voxels, a finite affine and positive finite voxel sizes, and `.badFormat` when the affine
    /// gives an axis no direction (then no anatomical plane can be found).
    static func requireConsistent(_ volume: Volume, role: String) throws(UVSegError) {
        let size = volume.size
        let (ij, overflowIJ) = size.i.multipliedReportingOverflow(by: size.j)
        let (ijk, overflowIJK) = ij.multipliedReportingOverflow(by: size.k)
        guard size.i >= 1, size.j >= 1, size.k >= 1, !overflowIJ, !overflowIJK, ijk == volume.voxels.count else {
            throw .invalidArgument(
                "the \(role) of \(size.i) x \(size.j) x \(size.k) voxels must hold that many values, "
                    + "it holds \(volume.voxels.count)")
        }
        let geometry = volume.geometry
        guard geometry.affine.count == 16, geometry.affine.allSatisfy(\.isFinite),
              geometry.spacing.count == 3, geometry.spacing.allSatisfy({ $0.isFinite && $0 > 0 })
        else {
            throw .invalidArgument(
                "the \(role) needs a finite 4 x 4 affine and three positive voxel sizes, "
                    + "got spacing \(geometry.spacing)")
        }
        do {
            _ = try Reorientation(size: size, geometry: geometry)
        } catch {
            throw UVSegError(error.kind, "the \(role): \(error.message)")
        }
    }

    /// Throws `.invalidArgument` unless both grids have the same size and their affines place
    /// every corner of the grid within `gridToleranceMillimetres` of each other.
    static func requireSameGrid(
        _ firstSize: GridSize, _ first: Geometry, _ secondSize: GridSize, _ second: Geometry,
        roles: (String, String)
    ) throws(UVSegError) {
        guard firstSize == secondSize else {
            throw .invalidArgument(
                "the \(roles.1) (\(secondSize.i) x \(secondSize.j) x \(secondSize.k) voxels) is not on the grid "
                    + "of its \(roles.0) (\(firstSize.i) x \(firstSize.j) x \(firstSize.k) voxels)")
        }
        guard first.affine.count == 16, second.affine.count == 16 else {
            throw .invalidArgument("an affine must have 16 entries (4 x 4, row-major)")
        }
        let difference = zip(first.affine, second.affine).map { $0 - $1 }
        for corner in 0..<8 {
            let voxel: [Double] = (0..<3).map { axis in
                corner & (1 << axis) == 0 ? 0 : Double(firstSize.axes[axis] - 1)
            } + [1]
            var squaredDistance = 0.0
            for row in 0..<3 {
                var offset = 0.0
                for column in 0..<4 { offset += difference[4 * row + column] * voxel[column] }
                squaredDistance += offset * offset
            }
            let distance = squaredDistance.squareRoot()
            guard distance <= gridToleranceMillimetres else {
                throw .invalidArgument(
                    "the \(roles.1) is not on the grid of its \(roles.0): their affines place the same voxel "
                        + "\(distance) mm apart; resample it onto the \(roles.0)'s grid")
            }
        }
    }
}
