/// What produces a segmentation's probabilities.
public enum SegmentationMethod: String, Sendable, CaseIterable {
    /// The in-context network, slice by slice, from support slices.
    case network
    /// Atlas propagation: each support volume's labels carried onto the query (through the
    /// alignment, or by world coordinates without one) and fused over the support volumes.
    case atlas
    /// The mean of the network's probabilities and the atlas's.
    case fused
}
