import NIfTI

/// What a volume segmentation returns: everything on the query's grid (same size, affine and
/// spacing), so it overlays the query exactly.
public struct SegmentationResult: Sendable {
    /// Each voxel's label: the segmented label with the highest probability where that probability
    /// exceeds 0.5, else 0 (background); post-processed as the options asked.
    public let labelMap: LabelMap
    /// Per segmented label (ascending), the foreground probability of each voxel, averaged over
    /// ensemble members, flips and planes.
    public let probabilities: [LabelProbabilities]
}

/// The foreground probabilities of one label, as a float32 volume on the query's grid.
public struct LabelProbabilities: Sendable {
    public let label: Int32
    public let volume: Volume
}
