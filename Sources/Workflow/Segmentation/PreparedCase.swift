import Diagnostics
import NIfTI

/// A volume in RAS+ orientation with its intensities prepared, and its labels if it has any: what
/// slicing and support selection work on.
struct PreparedCase: Sendable {
    let size: GridSize
    /// Voxel sizes in mm along i, j, k.
    let spacing: [Double]
    /// Intensities in [0, 1], i fastest.
    let image: [Float]
    /// Label values, i fastest; empty for a query.
    let labels: [Float]

    /// `volume` with its voxels replaced by `prepared`, and `labels` (on the same grid, or empty),
    /// moved onto the closest RAS+ grid; with the reorientation that brings results back.
    static func oriented(
        _ volume: Volume, prepared: [Float], labels: [Float]
    ) throws(UVSegError) -> (prepared: PreparedCase, reorientation: Reorientation) {
        var volume = volume
        volume.voxels = prepared
        let (ras, reorientation) = try volume.reorientedToRAS()
        let orientedLabels = labels.isEmpty ? [] : try reorientation.toRAS(labels)
        return (
            PreparedCase(size: ras.size, spacing: ras.geometry.spacing, image: ras.voxels, labels: orientedLabels),
            reorientation
        )
    }
}
