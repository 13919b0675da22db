import NIfTI

/// What a volume segmentation returns: everything on the query's grid (same size, affine and
/// spacing) and with the query's header fields, so it overlays the query exactly and every front
/// end writes the same files from it.
public struct SegmentationResult: Sendable {
    /// Each voxel's label: the segmented label with the highest probability where that probability
    /// exceeds 0.5, else 0 (background); post-processed as the options asked.
    public let labelMap: LabelMap
    /// Per segmented label (ascending), the foreground probability of each voxel, averaged over
    /// ensemble members, flips and planes.
    public let probabilities: [LabelProbabilities]
    /// The query's header fields (its NIfTI version among them), carried by every volume of the result.
    public let queryMetadata: VolumeMetadata
    /// Per support volume, how well it lined up with the query; empty without alignment.
    public let alignments: [AlignmentReport]

    /// The label map as a volume with the query's header fields, as it is written.
    public var labelVolume: Volume {
        var volume = labelMap.volume
        volume.metadata = queryMetadata
        return volume
    }
}

/// The foreground probabilities of one label, as a float32 volume on the query's grid, with the
/// query's header fields.
public struct LabelProbabilities: Sendable {
    public let label: Int32
    public let volume: Volume
}
