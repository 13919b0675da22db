import Diagnostics

/// The settings of a volume segmentation; the defaults suit a first try.
public struct SegmentationOptions: Sendable, Equatable {
    /// The planes to segment along. Several planes are each segmented on their own and their
    /// probabilities averaged on the query's grid, which gives the 2-D network 3-D consistency.
    /// nil: every plane in which the query's and support volumes' pixels are at most twice as
    /// long as wide (`AnatomicalPlane.automatic`).
    public var planes: [AnatomicalPlane]? = nil
    /// The most support slices per support set (the published model was trained with up to 64).
    public var supportSize: Int = 16
    /// How support slices are chosen for each query slice.
    public var strategy: SupportStrategy = .similar
    /// The largest share of a support set made of slices without the label, in 0..<1.
    public var maxEmptyShare: Double = 0.25
    /// How many support sets (drawn with different seeds) each slice is segmented with; their
    /// probabilities are averaged.
    public var ensembleSize: Int = 1
    /// Also segment each slice mirrored left to right (query and support alike) and average the
    /// probabilities of both.
    public var flipAugmentation: Bool = false
    /// The labels to segment, each as its own binary problem; nil: every label the support holds.
    public var labels: [Int32]? = nil
    /// Keep only the largest connected component of each label in the label map.
    public var keepLargestComponent: Bool = false
    /// Fill holes enclosed by one label in the label map.
    public var fillHoles: Bool = false
    /// Seeds every random choice, so a run can be repeated exactly.
    public var seed: UInt64 = 0
    /// How query and support intensities are brought to [0, 1].
    public var intensity: IntensityPreparation = .standard
    /// Divide each volume (query and support alike) by its estimated MR bias field before
    /// anything reads it: alignment, the atlas's fusion weights and the network
    /// (`BiasFieldCorrection`). Only with percentile scaling: a CT window's Hounsfield units carry
    /// no such field.
    public var biasCorrection: Bool = true
    /// Refine the probabilities with the query's own intensities (`IntensityRefinement`): they
    /// become the prior of a per-query intensity model of background and each label, and each
    /// voxel gets the most probable of background and the labels. Draws borders between tissues
    /// of close intensity more exactly; off, a voxel gets the most probable label above 0.5.
    public var intensityRefinement: Bool = true
    /// How support volumes are brought onto the query before slices are chosen or labels carried.
    public var alignment: SupportAlignment = .deformable
    /// What produces the probabilities: the network, atlas propagation, or both averaged.
    public var method: SegmentationMethod = .fused
    /// How atlas propagation combines the labels of several support volumes.
    public var fusion: LabelFusion = .local
    /// Threads of the network, alignment and label fusion; 0 uses every core. Results do not
    /// depend on it.
    public var threads: Int = 0
    /// The square size slices are scaled to for the network; nil: the model's own.
    public var inputSize: Int? = nil

    /// The most labels one run segments when the caller does not list them.
    public static let maximumLabelCount = 255

    public init() {}

    /// The planes to segment along volumes of RAS voxel spacings `spacings` (the query's and the
    /// support volumes'): the ones given, or those `AnatomicalPlane.automatic` chooses.
    func planesToSegment(spacings: [[Double]]) -> [AnatomicalPlane] {
        planes ?? AnatomicalPlane.automatic(forSpacings: spacings)
    }

    /// Throws `.invalidArgument` naming the first setting out of range.
    public func validate() throws(UVSegError) {
        guard planes?.isEmpty != true else { throw .invalidArgument("at least one plane to segment along is needed") }
        guard supportSize >= 1 else {
            throw .invalidArgument("the support size must be at least 1, got \(supportSize)")
        }
        guard maxEmptyShare >= 0, maxEmptyShare < 1 else {
            throw .invalidArgument("the share of empty support slices must be in [0, 1), got \(maxEmptyShare)")
        }
        guard ensembleSize >= 1 else {
            throw .invalidArgument("the ensemble size must be at least 1, got \(ensembleSize)")
        }
        if let labels {
            guard !labels.isEmpty else { throw .invalidArgument("the list of labels to segment is empty") }
            for label in labels where !(1...LabelMap.largestLabel).contains(label) {
                throw .invalidArgument("a label to segment must be from 1 to \(LabelMap.largestLabel), got \(label)")
            }
        }
        guard (0...UniverSegModel.maximumThreadCount).contains(threads) else {
            throw .invalidArgument(
                "the thread count must be from 1 to \(UniverSegModel.maximumThreadCount), or 0 for every core, got \(threads)")
        }
        if let inputSize, !(1...VolumeSegmenter.largestInputSize).contains(inputSize) {
            throw .invalidArgument(
                "the input size must be from 1 to \(VolumeSegmenter.largestInputSize) pixels, got \(inputSize)")
        }
        try intensity.validate()
    }
}
