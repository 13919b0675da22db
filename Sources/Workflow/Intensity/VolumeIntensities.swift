import NIfTI
import Registration

extension SegmentationOptions {
    /// Whether volumes are corrected for a bias field: asked for, and scaled by percentiles (MR).
    var correctsBiasField: Bool {
        guard biasCorrection, case .percentiles = intensity else { return false }
        return true
    }

    /// The voxels of `volume` as the network reads them: divided by their bias field when
    /// `correctsBiasField`, then brought to [0, 1] by `intensity`.
    func preparedIntensities(of volume: Volume) -> [Float] {
        guard correctsBiasField else { return intensity.prepare(volume.voxels) }
        var voxels = volume.voxels
        BiasFieldCorrection.correct(&voxels, size: volume.size, spacing: volume.geometry.spacing)
        return intensity.prepare(voxels)
    }
}
