import Diagnostics
import NIfTI
import Registration

extension SegmentationOptions {
    /// Whether volumes are corrected for a bias field: asked for, and scaled by percentiles (MR).
    var correctsBiasField: Bool {
        guard biasCorrection, case .percentiles = intensity else { return false }
        return true
    }

    /// `volume` divided by its estimated bias field when `correctsBiasField`, else `volume` itself.
    func biasCorrected(_ volume: Volume) -> Volume {
        guard correctsBiasField else { return volume }
        var corrected = volume
        BiasFieldCorrection.correct(&corrected.voxels, size: volume.size, spacing: volume.geometry.spacing)
        return corrected
    }

    /// Bias-corrects the image of every member of `support`.
    func biasCorrected(_ support: [LabelledVolume]) throws(UVSegError) -> [LabelledVolume] {
        guard correctsBiasField else { return support }
        var corrected = [LabelledVolume]()
        for member in support { corrected.append(try LabelledVolume(image: biasCorrected(member.image), labels: member.labels)) }
        return corrected
    }

    /// Charges to `budget` the corrected copies of `volumes`, held through a segmentation, and
    /// checks that the correction of the largest also fits while it runs.
    func chargeBiasCorrection(of volumes: [Volume], to budget: inout MemoryBudget) throws(UVSegError) {
        guard correctsBiasField else { return }
        let float = MemoryLayout<Float>.stride
        let voxels = volumes.reduce(0) { SegmentationFootprint.sum($0, $1.voxels.count) }
        try budget.charge(voxels, of: float, for: "the bias-corrected copies of the volumes (\(voxels) voxels)")
        let working = volumes.map { BiasFieldCorrection.workingFloats(size: $0.size, spacing: $0.geometry.spacing) }
            .reduce(0, max)
        try budget.charge(working, of: float, for: "estimating a volume's bias field (\(working) values)")
        budget.release(working, of: float)
    }
}
