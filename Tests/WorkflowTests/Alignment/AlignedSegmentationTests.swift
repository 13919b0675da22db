import Diagnostics
import NIfTI
import Registration
import RegistrationPhantom
import Testing
@testable import Workflow

/// Support volumes aligned to the query, atlas propagation, label fusion and their fusion with the
/// network, through `VolumeSegmenter`.
@Suite struct AlignedSegmentationTests {
    static func options(
        _ alignment: SupportAlignment, _ method: SegmentationMethod, configure: (inout SegmentationOptions) -> Void = { _ in }
    ) -> SegmentationOptions {
        var options = SegmentationOptions()
        options.alignment = alignment
        options.method = method
        options.supportSize = 4
        configure(&options)
        return options
    }

    /// A head phantom seen through a known rigid pose: the support in one pose and grid, the
    /// query (and its true labels) in another, stored flipped.
    static let size = GridSize(i: 44, j: 48, k: 40)
    static let supportAffine = KnownAlignment.centredAffine(size: size, spacing: SIMD3(repeating: 2.6))
    static let queryAffine = KnownAlignment.centredAffine(
        size: size, spacing: SIMD3(2.5, 2.7, 2.8), flipped: [true, false, false])
    static let pose = KnownAlignment(
        phantom: HeadPhantom(semiAxes: SIMD3(38, 44, 34)),
        transform: KnownAlignment.rigid(degrees: 8, axis: SIMD3(0.2, 0.4, 1), translation: SIMD3(9, -7, 5)))

    static func posedCase() throws -> (query: Volume, truth: Volume, support: LabelledVolume) {
        let query = try pose.fixedImage(size: size, affine: queryAffine)
        let truth = try pose.fixedLabels(size: size, affine: queryAffine)
        let support = try LabelledVolume(
            image: pose.movingImage(size: size, affine: supportAffine) { 3 * $0 + 0.4 * $0 * $0 },
            labels: LabelMap(pose.movingLabels(size: size, affine: supportAffine)))
        return (query, truth, support)
    }

    /// The mean Dice over the labels of `truth`.
    static func meanDice(_ labels: LabelMap, _ truth: Volume) -> Double {
        let values = Set(truth.voxels).subtracting([0]).sorted()
        return values.map { dice(labels.volume, truth, label: $0) }.reduce(0, +) / Double(values.count)
    }

    @Test func atlasWithoutAlignmentCopiesTheLabelsOnOneGrid() throws {
        let phantom = Phantom.ellipsoid(size: [12, 10, 9], spacing: [1.5, 1.5, 2])
        let (image, labels) = try phantom.volumes(.lps)
        let result = try VolumeSegmenter(model: IdentityModel(inputSize: 8), options: Self.options(.none, .atlas))
            .segment(query: image, support: [LabelledVolume(image: image, labels: labels)])
        #expect(result.labelMap.labels == labels.labels)
        #expect(result.alignments.isEmpty)
    }

    @Test func affineAlignmentRecoversAKnownPose() throws {
        let (query, truth, support) = try Self.posedCase()
        let model = IdentityModel(inputSize: 8)
        let unaligned = try VolumeSegmenter(model: model, options: Self.options(.none, .atlas))
            .segment(query: query, support: [support])
        let aligned = try VolumeSegmenter(model: model, options: Self.options(.affine, .atlas))
            .segment(query: query, support: [support])
        let (before, after) = (Self.meanDice(unaligned.labelMap, truth), Self.meanDice(aligned.labelMap, truth))
        #expect(after >= 0.9, "Dice \(after) aligned, \(before) unaligned")
        #expect(after > before + 0.2)
        let report = try #require(aligned.alignments.first)
        #expect(aligned.alignments.count == 1 && report.support == 0 && !report.isPoor)
        #expect(aligned.labelMap.size == query.size && aligned.labelMap.geometry == query.geometry)
    }

    @Test func theNetworkSeesTheAlignedSupport() throws {
        let (query, truth, support) = try Self.posedCase()
        // With a large gain the stand-in returns each support-free query slice sharpened; what
        // changes between alignments is which labels are segmented and how slices are paired.
        let model = IdentityModel.sharp(inputSize: 16)
        let aligned = try VolumeSegmenter(model: model, options: Self.options(.affine, .network))
            .segment(query: query, support: [support])
        #expect(aligned.alignments.count == 1)
        #expect(aligned.probabilities.map(\.label) == Set(truth.voxels).subtracting([0]).sorted().map { Int32($0) })
    }

    /// A support label that aligns outside the query's field of view is absent from the query:
    /// probability 0 from the network as from the atlas, while the other labels are segmented.
    @Test(arguments: [SegmentationMethod.network, .fused])
    func aLabelAlignedOutsideTheQueryIsAbsent(method: SegmentationMethod) throws {
        let (_, _, posed) = try Self.posedCase()
        // A slab at the support's left edge, beyond a query grid 30 voxels (75 mm) wide.
        var labels = posed.labels.volume
        for index in labels.voxels.indices where index % Self.size.i < 3 { labels.voxels[index] = 9 }
        let support = try LabelledVolume(image: posed.image, labels: LabelMap(labels))
        let narrow = GridSize(i: 30, j: Self.size.j, k: Self.size.k)
        let query = try Self.pose.fixedImage(
            size: narrow, affine: KnownAlignment.centredAffine(size: narrow, spacing: SIMD3(2.5, 2.7, 2.8)))
        let result = try VolumeSegmenter(model: IdentityModel.sharp(inputSize: 16), options: Self.options(.affine, method))
            .segment(query: query, support: [support])
        let outside = try #require(result.probabilities.first { $0.label == 9 })
        #expect(outside.volume.voxels.allSatisfy { $0 == 0 })
        #expect(!result.labelMap.labels.contains(9))
        #expect(result.labelMap.labels.contains { $0 != 0 })
    }

    @Test func fusedIsTheMeanOfTheNetworkAndTheAtlas() throws {
        let phantom = Phantom.ellipsoid(size: [10, 10, 8], spacing: [1.5, 1.5, 2])
        let (query, _) = try phantom.volumes(.ras)
        let support = [try phantom.labelledVolume(.ras)]
        let model = IdentityModel(inputSize: 8)
        func probabilities(_ method: SegmentationMethod) throws -> [Float] {
            // The probabilities as each method gives them, unrefined.
            try VolumeSegmenter(model: model, options: Self.options(.none, method) { $0.intensityRefinement = false })
                .segment(query: query, support: support).probabilities[0].volume.voxels
        }
        let (network, atlas, fused) = (try probabilities(.network), try probabilities(.atlas), try probabilities(.fused))
        let largest = zip(fused, zip(network, atlas)).map { abs($0 - ($1.0 + $1.1) / 2) }.max() ?? 1
        #expect(largest < 1e-6)
        #expect(network != atlas)
    }

    @Test func localFusionOutvotesASupportThatDoesNotMatch() throws {
        let phantom = Phantom.ellipsoid(size: [16, 16, 12], spacing: [1.5, 1.5, 1.5])
        let (image, labels) = try phantom.volumes(.ras)
        // A second support whose image is noise and whose labels lie elsewhere.
        var generator = SplitMix64(seed: 7)
        var noise = image
        noise.voxels = noise.voxels.map { _ in Float.random(in: 0...1000, using: &generator) }
        var shifted = labels.volume
        let ni = image.size.i
        shifted.voxels = shifted.voxels.indices.map { index in
            let i = index % ni, rest = index / ni
            return i >= 4 ? labels.volume.voxels[(i - 4) + ni * rest] : 0
        }
        let support = [
            try LabelledVolume(image: image, labels: labels),
            try LabelledVolume(image: noise, labels: LabelMap(shifted)),
        ]
        func dice(_ fusion: LabelFusion) throws -> Double {
            let result = try VolumeSegmenter(
                model: IdentityModel(inputSize: 8),
                options: Self.options(.none, .atlas) { options in
                    // What fusion alone makes of the labels: refinement would mend majority's too.
                    options.fusion = fusion
                    options.intensityRefinement = false
                }
            ).segment(query: image, support: support)
            return RegistrationPhantom.dice(result.labelMap.volume, labels.volume, label: 1)
        }
        let (local, majority) = (try dice(.local), try dice(.majority))
        #expect(local > 0.95, "local \(local), majority \(majority)")
        #expect(local > majority + 0.05)
    }

    @Test func aSupportThatCannotBeAlignedIsNamed() throws {
        let (query, _, support) = try Self.posedCase()
        var flat = support.image
        flat.voxels = [Float](repeating: 5, count: flat.voxels.count)
        let bad = try LabelledVolume(image: flat, labels: support.labels)
        let segmenter = try VolumeSegmenter(model: IdentityModel(inputSize: 8), options: Self.options(.affine, .atlas))
        let error = try #require(throws: UVSegError.self) { try segmenter.segment(query: query, support: [support, bad]) }
        #expect(error.kind == .invalidArgument)
        #expect(error.message.contains("support volume 2 cannot be aligned"))
        #expect(error.message.contains("constant"))
    }

    @Test func alignmentReportsProgressAndCanBeCancelled() throws {
        let (query, _, support) = try Self.posedCase()
        let segmenter = try VolumeSegmenter(model: IdentityModel(inputSize: 8), options: Self.options(.affine, .atlas))
        var stages = [ProgressStage]()
        let cancelling = ProgressReporter { _, stage in
            stages.append(stage)
            return stage == .aligning && stages.count > 3 ? .cancel : .proceed
        }
        #expect(throws: UVSegError.cancelled) { try segmenter.segment(query: query, support: [support], progress: cancelling) }
        #expect(stages.contains(.aligning))
    }
}
