/// Support volumes made ready once for many segmentations (`VolumeSegmenter.prepare`): their
/// intensities prepared and their grids oriented to RAS+, so that a cohort of queries does not
/// repeat that work per query.
public struct PreparedSupport: Sendable {
    /// The volumes as given, for the checks of each segmentation.
    public let volumes: [LabelledVolume]
    let cases: [PreparedCase]
}
