import Workflow

/// What a `uvs_segmentation *` points to: the immutable outcome of one volume segmentation.
final class SegmentationObject {
    /// The label map, on the query's grid with the query's header fields.
    let labelMap: Volume
    /// Per segmented label, ascending: the label and its probability volume.
    let probabilities: [(label: Int32, volume: Volume)]
    /// The file the query was read from: the result's volumes carry it, so that writing them over
    /// the query is refused as writing the query itself is.
    let querySource: FileIdentity?
    /// Per support volume, how well it lined up with the query; empty without alignment.
    let alignments: [AlignmentReport]

    init(_ result: SegmentationResult, querySource: FileIdentity?) {
        self.querySource = querySource
        labelMap = result.labelVolume
        probabilities = result.probabilities.map { ($0.label, $0.volume) }
        alignments = result.alignments
    }
}
