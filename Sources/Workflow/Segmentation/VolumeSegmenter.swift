import Diagnostics
import NIfTI
import Network

/// Segments a 3-D query volume from labelled support volumes with a 2-D in-context model.
///
/// The steps: check every input and charge the memory the call needs to one `MemoryBudget` of the
/// model's `memoryLimit` (before any heavy work); correct MR volumes' bias fields (before
/// alignment and the atlas too); prepare intensities; per plane, reorient
/// query and support to RAS+, cut them into slices, place the slices on the model's canvas, choose
/// a support set per query slice and label, run the model (per ensemble member, and mirrored for
/// flip augmentation), bring the probabilities back to the native slices and the native grid;
/// average over planes; refine the probabilities by the query's intensities; label each voxel with
/// its most probable label; post-process.
public struct VolumeSegmenter: Sendable {
    public let model: any InContextModel
    public let options: SegmentationOptions

    /// The largest canvas side accepted from a model (a bound on memory, far above trained sizes);
    /// the network refuses architectures too deep for any side up to it.
    public static let largestInputSize = UniverSegArchitecture.largestSizeMultiple

    /// Segments with `model` configured as `options` ask (input size, threads); throws
    /// `.invalidArgument` for options out of range or an input size the model cannot take.
    public init(model: any InContextModel, options: SegmentationOptions) throws(UVSegError) {
        try options.validate()
        self.model = try model.configured(inputSize: options.inputSize, threads: options.threads)
        self.options = options
    }

    /// Checks everything that can be checked before segmenting and returns the labels that will be
    /// segmented. Throws `.invalidArgument` for an empty support list, inconsistent
    /// volumes, a requested label no support volume holds, or support without any foreground;
    /// `.outOfMemory` naming what would not fit when the call would need more than the model's
    /// `memoryLimit` (see `SegmentationFootprint`).
    public func check(query: Volume, support: [LabelledVolume]) throws(UVSegError) -> [Int32] {
        guard usesSupportAsStored else { return try planAlignment(query: query, support: support).labels }
        return try plan(query: query, support: support).labels
    }

    /// With alignment or the atlas: the labels to segment, and the call's budget charged with
    /// what aligning needs beyond registration's own (the network's footprint is charged once the
    /// volumes are aligned).
    private func planAlignment(
        query: Volume, support: [LabelledVolume]
    ) throws(UVSegError) -> (labels: [Int32], budget: MemoryBudget) {
        let labels = try checkedLabels(query: query, support: support).labels
        var budget = MemoryBudget(limit: model.memoryLimit)
        try options.chargeBiasCorrection(of: [query] + support.map(\.image), to: &budget)
        try budget.charge(
            AlignedSupport.bytes(query: query, supportCount: support.count, labelCount: labels.count, options: options),
            of: 1, for: "the support volumes aligned to the query and the atlas's sums")
        // The refinement runs while these are held (and the network's footprint, when it runs,
        // charges it again beside the network's probabilities).
        try options.chargeRefinement(options.refinementWorkingFloats(of: query), to: &budget)
        return (labels, budget)
    }

    /// `check`'s labels, and the working memory each model call may use: what the call's budget
    /// leaves once the bias-corrected copies of the volumes and the workflow's own structures are
    /// charged.
    private func plan(
        query: Volume, support: [LabelledVolume]
    ) throws(UVSegError) -> (labels: [Int32], modelMemoryLimit: Int) {
        let (labels, supportLabelCount) = try checkedLabels(query: query, support: support)
        var corrected = MemoryBudget(limit: model.memoryLimit)
        try options.chargeBiasCorrection(of: [query] + support.map(\.image), to: &corrected)
        return (
            labels,
            try modelMemoryLimit(
                query: query, support: support, labelCount: labels.count, supportLabelCount: supportLabelCount,
                precharged: corrected.charged))
    }

    /// The working memory each model call may use when `labelCount` labels are segmented from
    /// `support` holding `supportLabelCount` distinct labels, once `precharged` bytes are held.
    private func modelMemoryLimit(
        query: Volume, support: [LabelledVolume], labelCount: Int, supportLabelCount: Int, precharged: Int = 0
    ) throws(UVSegError) -> Int {
        let footprint = try SegmentationFootprint(
            query: query, support: support, labelCount: labelCount, supportLabelCount: supportLabelCount,
            options: options, side: model.inputSize)
        var budget = MemoryBudget(limit: model.memoryLimit)
        try budget.charge(precharged, of: 1, for: "the volumes the call already holds (bias-corrected, aligned)")
        return try footprint.charge(into: &budget, model: model)
    }

    /// The labels to segment, and how many distinct labels the support holds.
    private func checkedLabels(
        query: Volume, support: [LabelledVolume]
    ) throws(UVSegError) -> (labels: [Int32], supportLabelCount: Int) {
        guard (1...Self.largestInputSize).contains(model.inputSize) else {
            throw .invalidArgument(
                "the model's input size must be from 1 to \(Self.largestInputSize) pixels, got \(model.inputSize)")
        }
        try VolumeChecks.requireConsistent(query, role: "query")
        guard !support.isEmpty else {
            throw .invalidArgument("the support list is empty; give at least one labelled volume")
        }
        let present = Self.labelsPresent(in: support)
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

    /// The distinct foreground labels of the support label maps.
    private static func labelsPresent(in support: [LabelledVolume]) -> Set<Int32> {
        support.reduce(into: Set<Int32>()) { $0.formUnion($1.labels.foregroundLabels) }
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
        let support = try options.biasCorrected(support)
        // Aligned support is prepared per query, once it is on the query's grid.
        guard usesSupportAsStored else { return PreparedSupport(volumes: support, cases: []) }
        return PreparedSupport(volumes: support, cases: try preparedCases(support, progress: progress))
    }

    /// Whether the network reads the support volumes as given, without alignment or atlas.
    private var usesSupportAsStored: Bool { options.alignment == .none && options.method == .network }

    private func preparedCases(
        _ support: [LabelledVolume], progress: ProgressReporter
    ) throws(UVSegError) -> [PreparedCase] {
        var cases = [PreparedCase]()
        for (index, member) in support.enumerated() {
            try progress.report(Double(index) / Double(support.count), .preparing)
            cases.append(try PreparedCase.oriented(
                member.image, prepared: options.intensity.prepare(member.image.voxels),
                labels: member.labels.labels.map(Float.init)).prepared)
        }
        return cases
    }

    /// Segments `query` from support prepared by `prepare` with the same options. Its progress
    /// starts at 0.05, the share `segment(query:support:progress:)` gives the support's preparation.
    public func segment(
        query: Volume, support: PreparedSupport, progress: ProgressReporter = .silent
    ) throws(UVSegError) -> SegmentationResult {
        let query = options.biasCorrected(query)
        guard usesSupportAsStored else { return try segmentAligned(query: query, support: support.volumes, progress: progress) }
        let (labels, modelMemoryLimit) = try plan(query: query, support: support.volumes)
        try progress.report(0.05, .preparing)
        var probabilities = try networkProbabilities(
            query: query, support: support.cases, labels: labels, modelMemoryLimit: modelMemoryLimit,
            progress: progress.part(from: 0.05, to: 0.95))
        return try result(query: query, labels: labels, probabilities: &probabilities, alignments: [], progress: progress)
    }

    /// Segments `query` with the support volumes first carried onto its grid: by the network on
    /// the aligned volumes, by atlas propagation, or by both (`options.method`).
    private func segmentAligned(
        query: Volume, support: [LabelledVolume], progress: ProgressReporter
    ) throws(UVSegError) -> SegmentationResult {
        // Registration works within what the budget leaves.
        let (labels, budget) = try planAlignment(query: query, support: support)
        try progress.report(0.05, .preparing)
        let usesNetwork = options.method != .atlas
        let alignmentShare = usesNetwork ? 0.4 : 0.9
        var aligned = try AlignedSupport.align(
            support, to: query, labels: labels, options: options, memoryLimit: budget.remaining,
            progress: progress.part(from: 0.05, to: 0.05 + alignmentShare))
        guard usesNetwork else {
            var atlas = aligned.takeAtlasProbabilities()
            return try result(
                query: query, labels: labels, probabilities: &atlas, alignments: aligned.reports, progress: progress)
        }
        // A label the aligned support no longer shows lies outside the query's field of view: the
        // network finds none of it, as the atlas does.
        let present = Self.labelsPresent(in: aligned.volumes)
        let shown = labels.filter(present.contains)
        var network = [[Float]]()
        if !shown.isEmpty {
            let modelMemoryLimit = try modelMemoryLimit(
                query: query, support: aligned.volumes, labelCount: labels.count, supportLabelCount: present.count,
                precharged: budget.charged)
            let networkProgress = progress.part(from: 0.05 + alignmentShare, to: 0.95)
            let cases = try preparedCases(aligned.volumes, progress: networkProgress.part(from: 0, to: 0.05))
            network = try networkProbabilities(
                query: query, support: cases, labels: shown, modelMemoryLimit: modelMemoryLimit,
                progress: networkProgress.part(from: 0.05, to: 1))
        }
        var probabilities = labels.map { label in
            shown.firstIndex(of: label).map { network[$0] } ?? [Float](repeating: 0, count: query.voxels.count)
        }
        // One reference to each array, so that averaging with the atlas below writes in place.
        network = []
        if options.method == .fused {
            for (index, atlas) in aligned.atlasProbabilities.enumerated() {
                for voxel in atlas.indices { probabilities[index][voxel] = (probabilities[index][voxel] + atlas[voxel]) / 2 }
            }
        }
        return try result(
            query: query, labels: labels, probabilities: &probabilities, alignments: aligned.reports, progress: progress)
    }

    /// Per label, the network's probabilities on the query's grid, averaged over planes.
    private func networkProbabilities(
        query: Volume, support preparedSupport: [PreparedCase], labels: [Int32], modelMemoryLimit: Int,
        progress planesProgress: ProgressReporter
    ) throws(UVSegError) -> [[Float]] {
        let (preparedQuery, queryReorientation) = try PreparedCase.oriented(
            query, prepared: options.intensity.prepare(query.voxels), labels: [])
        // The sum over planes, then (divided in place) the mean.
        var probabilities = [[Float]](repeating: [Float](repeating: 0, count: query.voxels.count), count: labels.count)
        let planes = options.planesToSegment(spacings: [preparedQuery.spacing] + preparedSupport.map(\.spacing))
        var segmentedPlanes = 0
        for (planeIndex, plane) in planes.enumerated() {
            let planeProgress = planesProgress.part(planeIndex, of: planes.count)
            // One scale for the query and every support slice: anatomy keeps its size across
            // fields of view.
            let span = ModelCanvas.span(
                of: ([preparedQuery] + preparedSupport).map { SliceStack(plane: plane, size: $0.size, spacing: $0.spacing) })
            let pool = try SupportPool(
                volumes: preparedSupport, plane: plane, side: model.inputSize, span: span,
                progress: planeProgress.part(from: 0, to: 0.1))
            // A plane chosen automatically whose slices lose a label at the network's input size is
            // left out while another may still show it; planes the caller chose fail instead.
            let anotherMayShow = segmentedPlanes > 0 || planeIndex < planes.count - 1
            if options.planes == nil, anotherMayShow, !pool.shows(every: labels) { continue }
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
            segmentedPlanes += 1
        }
        let planeCount = Float(segmentedPlanes)
        for index in probabilities.indices {
            for voxel in probabilities[index].indices { probabilities[index][voxel] /= planeCount }
        }
        return probabilities
    }

    /// The finished result: `probabilities` refined (in place: the caller holds the only
    /// reference to each array, so that none is copied), the label map they give, post-processed,
    /// and every volume with the query's grid and header fields.
    private func result(
        query: Volume, labels: [Int32], probabilities: inout [[Float]], alignments: [AlignmentReport],
        progress: ProgressReporter
    ) throws(UVSegError) -> SegmentationResult {
        try progress.report(0.95, .combining)
        if options.intensityRefinement {
            IntensityRefinement.refine(
                &probabilities, intensities: options.refinementIntensities(of: query), size: query.size)
        }
        let labelMap = try postProcessed(
            LabelMap(Volume(
                size: query.size,
                voxels: Self.mostProbableLabels(
                    probabilities, labels: labels, againstBackground: options.intensityRefinement),
                geometry: query.geometry)))
        try progress.report(1, .combining)
        return SegmentationResult(
            labelMap: labelMap,
            probabilities: zip(labels, probabilities).map { label, values in
                LabelProbabilities(
                    label: label,
                    volume: Volume(size: query.size, voxels: values, geometry: query.geometry, metadata: query.metadata))
            },
            queryMetadata: query.metadata, alignments: alignments)
    }

    /// Per voxel, the label whose probability is highest and above 0.5 (the first of equals), else 0.
    /// `againstBackground`: above background's probability, 1 minus the labels' sum, instead of
    /// 0.5 (for probabilities that share one distribution with background, as refined ones do).
    static func mostProbableLabels(
        _ probabilities: [[Float]], labels: [Int32], againstBackground: Bool = false
    ) -> [Float] {
        guard let count = probabilities.first?.count else { return [] }
        return (0..<count).map { voxel in
            let background = againstBackground ? 1 - probabilities.reduce(0) { $0 + $1[voxel] } : 0.5
            var best: (label: Int32, probability: Float) = (0, background)
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
