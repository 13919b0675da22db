/// The phase of a long workflow call that a progress report refers to.
///
/// The raw values are the short stage names the C interface passes to its progress callback.
public enum ProgressStage: String, Sendable, CaseIterable {
    /// Checking inputs, preparing intensities, reorienting volumes.
    case preparing
    /// Registering support volumes to the query and carrying their labels onto it.
    case aligning
    /// Choosing support slices and running the network on query slices.
    case segmenting
    /// Fusing planes, combining labels and post-processing the label map.
    case combining
    /// Segmenting the cases of a local validation and measuring them.
    case validating
}

/// What a progress handler wants the work to do next.
public enum ProgressDecision: Sendable, Equatable {
    case proceed
    case cancel
}
