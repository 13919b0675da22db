import Diagnostics
import NIfTI
import Network

/// Segments a 3-D query volume from labelled support volumes with a 2-D in-context model.
///
/// The steps: check every input and charge the memory the call needs to one `MemoryBudget` of the
/// model's `memoryLimit` (before any heavy work); prepare intensities; per plane, reorient
/// query and support to RAS+, cut them into slices, place the slices on the model's canvas, choose
/// a support set per query slice and label, run the model (per ensemble member, and mirrored for
/// flip augmentation), bring the probabilities back to the native slices and the native grid;
/// average over planes; label each voxel with the most probable label above 0.5; post-process.
public struct VolumeSegmenter {
    public let model: any InContextModel
    public let options: SegmentationOptions

    /// The largest canvas side accepted from a model (a bound on memory, far above trained sizes);
    /// the network refuses architectures too deep for any side up to it.
    public static let largestInputSize = UniverSegArchitecture.largestSizeMultiple

    public init(model: any InContextModel, options: SegmentationOptions) {
        self.model = model
        self.options = options
    }

    /// Checks everything that can be checked before segmenting and returns the labels that will be
    /// segmented. Throws `.invalidArgument` for bad options, an empty support list, inconsistent
    /// volumes, a requested label no support volume holds, or support without any foreground;
    /// `.outOfMemory` naming what would not fit when the call would need more than the model's
    /// `memoryLimit` (see `SegmentationFootprint`).
    public func check(query: Volume, support: [LabelledVolume]) throws(UVSegError) -> [Int32] {
        try plan(query: query, support: support).labels
    }

    /// `check`'s labels, and the working memory each model call may use: what the call's budget
    /// leaves once the workflow's own structures are charged.
    private func plan(
        query: Volume, support: [LabelledVolume]
    ) throws(UVSegError) -> (labels: [Int32], modelMemoryLimit: Int) {
        let (labels, supportLabelCount) = try checkedLabels(query: query, support: support)
        let footprint = try SegmentationFootprint(
            query: query, support: support, labelCount: labels.count, supportLabelCount: supportLabelCount,
            options: options, side: model.inputSize)
        var budget = MemoryBudget(limit: model.memoryLimit)
        return (labels, try footprint.charge(into: &budget, model: model))
    }

    /// The labels to segment, and how many distinct labels the support holds.
    private func checkedLabels(
        query: Volume, support: [LabelledVolume]
    ) throws(UVSegError) -> (labels: [Int32], supportLabelCount: Int) {
        try options.validate()
        guard (1...Self.largestInputSize).contains(model.inputSize) else {
            throw .invalidArgument(
                "the model's input size must be from 1 to \(Self.largestInputSize) pixels, got \(model.inputSize)")
        }
        try VolumeChecks.requireConsistent(query, role: "query")
        guard !support.isEmpty else {
            throw .invalidArgument("the support list is empty; give at least one labelled volume")
        }
        var present = Set<Int32>()
        for member in support { present.formUnion(member.labels.foregroundLabels) }
        guard !present.isEmpty else {
            throw .invalidArgument(
                "the support label maps hold no foreground at all; a support set without foreground cannot "
                    + "show the network what to find")
        }
        guard let requested = options.labels else {
            guard present.count <= SegmentationOptions.maximumLabelCount else {
                throw .invalidArgument(
                    "the support label maps hold \(present.count) different labels (at most "
                        + "\(SegmentationOptions.maximumLabelCount) are segmented at once); choose the labels to segment")
            }
            return (present.sorted(), present.count)
        }
        for label in requested where !present.contains(label) {
            throw .invalidArgument(
                "label \(label) does not appear in any support label map; a support set without foreground "
                    + "cannot show the network what to find")
        }
        return (Set(requested).sorted(), present.count)
    }

    /// Segments `query` from `support`; see the type's description. Throws what `check` throws, and
    /// `.cancelled` when `progress` asks to stop (then nothing is returned).
    public func segment(
        query: Volume, support: [LabelledVolume], progress: ProgressReporter = .silent
    ) throws(UVSegError) -> SegmentationResult {
        try segment(
            query: query, support: prepare(support: support, progress: progress.part(from: 0, to: 0.05)),
            progress: progress)
    }

    /// The support volumes with their intensities prepared and oriented, once, for the
    /// segmentation of many queries (a cohort) with these options.
    public func prepare(
        support: [LabelledVolume], progress: ProgressReporter = .silent
    ) throws(UVSegError) -> PreparedSupport {
        var cases = [PreparedCase]()
        for (index, member) in support.enumerated() {
            try progress.report(Double(index) / Double(support.count), .preparing)
            cases.append(try PreparedCase.oriented(
                member.image, prepared: options.intensity.prepare(member.image.voxels),
                labels: member.labels.labels.map(Float.init)).prepared)
        }
        return PreparedSupport(volumes: support, cases: cases)
    }

    /// Segments `query` from support prepared by `prepare` with the same options. Its progress
    /// starts at 0.05, the share `segment(query:support:progress:)` gives the support's preparation.
    public func segment(
        query: Volume, support: PreparedSupport, progress: ProgressReporter = .silent
    ) throws(UVSegError) -> SegmentationResult {
        let (labels, modelMemoryLimit) = try plan(query: query, support: support.volumes)
        try progress.report(0.05, .preparing)
        let (preparedQuery, queryReorientation) = try PreparedCase.oriented(
            query, prepared: options.intensity.prepare(query.voxels), labels: [])
        let preparedSupport = support.cases
        let planesProgress = progress.part(from: 0.05, to: 0.95)
        // The sum over planes, then (divided in place) the mean: the result's probabilities.
        var probabilities = [[Float]](repeating: [Float](repeating: 0, count: query.voxels.count), count: labels.count)
        for (planeIndex, plane) in options.planes.enumerated() {
            let planeProgress = planesProgress.part(planeIndex, of: options.planes.count)
            let pool = try SupportPool(
                volumes: preparedSupport, plane: plane, side: model.inputSize,
                progress: planeProgress.part(from: 0, to: 0.1))
            let selector = try SupportSelector(
                pool: pool, labels: labels, plane: plane, strategy: options.strategy, size: options.supportSize,
                maxEmptyShare: options.maxEmptyShare, seed: options.seed)
            let segmentation = PlaneSegmentation(
                model: model, options: options, plane: plane, modelMemoryLimit: modelMemoryLimit)
            try segmentation.probabilities(
                of: preparedQuery, pool: pool, selector: selector, labels: labels,
                progress: planeProgress.part(from: 0.1, to: 1)
            ) { (index, oriented) throws(UVSegError) in
                let native = try queryReorientation.fromRAS(oriented)
                for voxel in native.indices { probabilities[index][voxel] += native[voxel] }
            }
        }
        try progress.report(0.95, .combining)
        let planeCount = Float(options.planes.count)
        for index in probabilities.indices {
            for voxel in probabilities[index].indices { probabilities[index][voxel] /= planeCount }
        }
        let labelMap = try postProcessed(
            LabelMap(Volume(
                size: query.size, voxels: Self.mostProbableLabels(probabilities, labels: labels),
                geometry: query.geometry)))
        try progress.report(1, .combining)
        return SegmentationResult(
            labelMap: labelMap,
            probabilities: zip(labels, probabilities).map { label, values in
                LabelProbabilities(
                    label: label,
                    volume: Volume(size: query.size, voxels: values, geometry: query.geometry, metadata: query.metadata))
            },
            queryMetadata: query.metadata)
    }

    /// Per voxel, the label whose probability is highest and above 0.5 (the first of equals), else 0.
    static func mostProbableLabels(_ probabilities: [[Float]], labels: [Int32]) -> [Float] {
        guard let count = probabilities.first?.count else { return [] }
        return (0..<count).map { voxel in
            var best: (label: Int32, probability: Float) = (0, 0.5)
            for (label, values) in zip(labels, probabilities) where values[voxel] > best.probability {
                best = (label, values[voxel])
            }
            return Float(best.label)
        }
    }

    private func postProcessed(_ map: LabelMap) throws(UVSegError) -> LabelMap {
        var map = map
        if options.keepLargestComponent { map = try map.keepingLargestComponents() }
        if options.fillHoles { map = try map.fillingHoles() }
        return map
    }
}
