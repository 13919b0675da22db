/// How well a predicted segmentation of one label agrees with the truth.
///
/// Overlap and volumes count voxels; distances are between the two segmentations' surfaces, in mm,
/// with the voxel spacing of the grid honoured (both must be on the same grid). A surface voxel is
/// a voxel of the label with at least one of its six face neighbours outside the label or outside
/// the grid. Distances are the exact Euclidean distances between voxel centres; the symmetric
/// statistics pool the distances of both directions (see `hausdorff95Millimetres`).
///
/// Edge cases, chosen so that averages over cases stay meaningful:
/// - label in neither segmentation: Dice 1, IoU 1, distances 0 (nothing to find, nothing found);
/// - label in only one of them: Dice 0, IoU 0, distances `.infinity` (no surface to measure to),
///   which JSON output writes as `null` and tables as `inf`.
public struct LabelMetrics: Sendable, Equatable {
    /// The label value these numbers describe.
    public let label: Int32
    /// Dice similarity coefficient 2|P ∩ T| / (|P| + |T|), in [0, 1].
    public let dice: Double
    /// Intersection over union (Jaccard index) |P ∩ T| / |P ∪ T|, in [0, 1].
    public let iou: Double
    /// 95th percentile of the surface distances of both directions pooled (MedPy's `hd95`; MONAI's
    /// `compute_hausdorff_distance` instead takes the larger of the two directed percentiles), with
    /// linear interpolation between ranks as `numpy.percentile` does, in mm.
    public let hausdorff95Millimetres: Double
    /// Average symmetric surface distance: the mean of the surface distances of both directions
    /// pooled, in mm.
    public let averageSurfaceDistanceMillimetres: Double
    /// The predicted volume of the label in millilitres (voxel count times voxel volume).
    public let predictedMillilitres: Double
    /// The true volume of the label in millilitres.
    public let truthMillilitres: Double

    /// The metrics of a label that neither segmentation holds.
    init(absentLabel label: Int32) {
        self.init(
            label: label, dice: 1, iou: 1, hausdorff95Millimetres: 0, averageSurfaceDistanceMillimetres: 0,
            predictedMillilitres: 0, truthMillilitres: 0)
    }

    /// The metrics of `label` between two masks cut from the same box of the same grid.
    init(label: Int32, prediction: BinaryMask, truth: BinaryMask, spacing: SIMD3<Double>) {
        let predicted = prediction.count
        let actual = truth.count
        let overlap = prediction.overlap(with: truth)
        let millilitresPerVoxel = spacing.x * spacing.y * spacing.z / 1000
        let (predictedMillilitres, truthMillilitres) =
            (Double(predicted) * millilitresPerVoxel, Double(actual) * millilitresPerVoxel)
        switch (predicted, actual) {
        case (0, 0):
            self.init(absentLabel: label)
        case (0, _), (_, 0):
            self.init(
                label: label, dice: 0, iou: 0,
                hausdorff95Millimetres: .infinity, averageSurfaceDistanceMillimetres: .infinity,
                predictedMillilitres: predictedMillilitres, truthMillilitres: truthMillilitres)
        default:
            let distances = SurfaceDistances(between: prediction, and: truth, spacing: spacing)
            self.init(
                label: label,
                dice: 2 * Double(overlap) / Double(predicted + actual),
                iou: Double(overlap) / Double(predicted + actual - overlap),
                hausdorff95Millimetres: distances.percentile(95),
                averageSurfaceDistanceMillimetres: distances.mean,
                predictedMillilitres: predictedMillilitres, truthMillilitres: truthMillilitres)
        }
    }

    private init(
        label: Int32, dice: Double, iou: Double, hausdorff95Millimetres: Double,
        averageSurfaceDistanceMillimetres: Double, predictedMillilitres: Double, truthMillilitres: Double
    ) {
        self.label = label
        self.dice = dice
        self.iou = iou
        self.hausdorff95Millimetres = hausdorff95Millimetres
        self.averageSurfaceDistanceMillimetres = averageSurfaceDistanceMillimetres
        self.predictedMillilitres = predictedMillilitres
        self.truthMillilitres = truthMillilitres
    }
}
