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

    /// The intensities `IntensityRefinement` reads of `query` (already `biasCorrected`): its bias
    /// field removed completely when `correctsBiasField` (the network's conservative correction
    /// leaves tissue classes uneven across the head), prepared to [0, 1] as for the network.
    func refinementIntensities(of query: Volume) -> [Float] {
        guard correctsBiasField else { return intensity.prepare(query.voxels) }
        var corrected = query.voxels
        BiasFieldCorrection.correct(&corrected, size: query.size, spacing: query.geometry.spacing, completely: true)
        return intensity.prepare(corrected)
    }

    /// Floats that refining the probabilities of `query` holds at its peak besides them: the
    /// corrected copy, its bias field's estimate or the preparation's sorted copy and result, then
    /// the intensities with their bins and band (bytes, under one float each).
    func refinementWorkingFloats(of query: Volume) -> Int {
        guard intensityRefinement else { return 0 }
        let field = correctsBiasField
            ? BiasFieldCorrection.workingFloats(size: query.size, spacing: query.geometry.spacing) : 0
        return SegmentationFootprint.sum(SegmentationFootprint.product(query.voxels.count, 3), field)
    }

    /// Checks that `budget` has room for `floats` of refinement's working memory while it runs.
    func chargeRefinement(_ floats: Int, to budget: inout MemoryBudget) throws(UVSegError) {
        guard floats > 0 else { return }
        let float = MemoryLayout<Float>.stride
        try budget.charge(floats, of: float, for: "refining the probabilities by the query's intensities (\(floats) values)")
        budget.release(floats, of: float)
    }
}
