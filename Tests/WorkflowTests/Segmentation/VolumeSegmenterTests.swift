import Diagnostics
import Foundation
import NIfTI
import Testing
@testable import Workflow

@Suite struct VolumeSegmenterTests {
    static func options(_ planes: [AnatomicalPlane], configure: (inout SegmentationOptions) -> Void = { _ in })
        -> SegmentationOptions
    {
        var options = SegmentationOptions()
        // The network on the support as stored, its own probabilities: what these tests check.
        options.alignment = .none
        options.method = .network
        options.intensityRefinement = false
        options.planes = planes
        options.supportSize = 4
        configure(&options)
        return options
    }

    static let planeChoices: [[AnatomicalPlane]] = [[.axial], [.coronal], [.sagittal], AnatomicalPlane.allCases]

    /// A cube whose slices already have the model's size: nothing is resampled, so the model's
    /// output must come back voxel for voxel.
    @Test(arguments: Phantom.Layout.all, planeChoices)
    func identityModelComesBackExactlyWithoutResampling(layout: Phantom.Layout, planes: [AnatomicalPlane]) throws {
        var phantom = Phantom.ellipsoid(size: [8, 8, 8], spacing: [1.5, 1.5, 1.5])
        phantom.intensity = { 100 + 900 * Float($0) }
        let (query, _) = try phantom.volumes(layout)
        let support = [try phantom.labelledVolume(.ras)]
        let model = IdentityModel(inputSize: 8)
        let result = try VolumeSegmenter(model: model, options: Self.options(planes) { $0.flipAugmentation = true })
            .segment(query: query, support: support)
        let prepared = IntensityPreparation.standard.prepare(query.voxels)
        let probabilities = try #require(result.probabilities.first).volume
        let largest = zip(probabilities.voxels, prepared).map { abs($0 - 1 / (1 + exp(-$1))) }.max() ?? 1
        #expect(largest < 1e-6)
        #expect(probabilities.size == query.size && probabilities.geometry == query.geometry)
    }

    /// Anisotropic, oblong volumes: slices are enlarged onto the canvas and shrunk back, and the
    /// thresholded map must still equal the query's mask in every layout and plane.
    @Test(arguments: Phantom.Layout.all, planeChoices)
    func binaryMapSurvivesResamplingExactly(layout: Phantom.Layout, planes: [AnatomicalPlane]) throws {
        let phantom = Phantom.ellipsoid(size: [9, 12, 7], spacing: [1.2, 0.9, 2.0])
        let (query, truth) = try phantom.volumes(layout)
        let support = [try phantom.labelledVolume(.lps)]
        let result = try VolumeSegmenter(model: IdentityModel.sharp(inputSize: 48), options: Self.options(planes))
            .segment(query: query, support: support)
        #expect(result.labelMap.labels == truth.labels)
        #expect(result.labelMap.size == query.size && result.labelMap.geometry == query.geometry)
        #expect(truth.labels.contains(1))
    }

    /// With no planes given, a thick-slice query is segmented along its acquisition plane only
    /// and a near-isotropic one along all three: the same model calls as those planes given.
    @Test(arguments: [([0.5, 0.5, 3.0], [AnatomicalPlane.axial]), ([1.2, 0.9, 1.5], AnatomicalPlane.allCases)])
    func automaticPlanesFollowThePixelShape(spacing: [Double], expected: [AnatomicalPlane]) throws {
        let phantom = Phantom.ellipsoid(size: [9, 12, 7], spacing: spacing)
        let (query, truth) = try phantom.volumes(.lps)
        let support = [try phantom.labelledVolume(.ras)]
        func calls(_ planes: [AnatomicalPlane]?) throws -> Int {
            let model = IdentityModel.sharp(inputSize: 48)
            let result = try VolumeSegmenter(model: model, options: Self.options([]) { $0.planes = planes })
                .segment(query: query, support: support)
            #expect(result.labelMap.labels == truth.labels)
            return model.calls
        }
        #expect(try calls(nil) == calls(expected))
        #expect(try calls(nil) != calls(expected == [.axial] ? AnatomicalPlane.allCases : [.axial]))
    }

    @Test func theOptionsConfigureTheModel() throws {
        let model = IdentityModel(inputSize: 8)
        #expect(try VolumeSegmenter(model: model, options: Self.options([.axial]) { $0.inputSize = 8 }).model.inputSize == 8)
        let error = #expect(throws: UVSegError.self) {
            try VolumeSegmenter(model: model, options: Self.options([.axial]) { $0.inputSize = 16 })
        }
        #expect(error?.message.contains("8 x 8 slices only") == true)
        for threads in [-1, UniverSegModel.maximumThreadCount + 1] {
            #expect(throws: UVSegError.self) {
                try VolumeSegmenter(model: model, options: Self.options([.axial]) { $0.threads = threads })
            }
        }
    }

    @Test func ensembleAndFlipsAverageToTheSameIdentity() throws {
        let phantom = Phantom.ellipsoid(size: [8, 8, 8], spacing: [1, 1, 1])
        let (query, _) = try phantom.volumes(.permuted)
        let support = [try phantom.labelledVolume(.ras), try phantom.labelledVolume(.lps)]
        let model = IdentityModel(inputSize: 8)
        let plain = try VolumeSegmenter(model: model, options: Self.options([.axial])).segment(query: query, support: support)
        let callsForOnePass = model.calls
        let options = Self.options([.axial]) {
            $0.ensembleSize = 3
            $0.flipAugmentation = true
            $0.strategy = .random
        }
        let averaged = try VolumeSegmenter(model: model, options: options).segment(query: query, support: support)
        let difference = zip(plain.probabilities[0].volume.voxels, averaged.probabilities[0].volume.voxels)
            .map { abs($0 - $1) }.max() ?? 1
        #expect(difference < 1e-6)
        #expect(model.calls - callsForOnePass == 6, "random support is shared by all 8 slices: one call per pass")
        #expect(model.supportCounts.allSatisfy { $0 == 4 })
    }

    /// The refined result is the network's probabilities refined by the bias-corrected query's
    /// intensities for refinement, labelled against background.
    @Test func refinementReadsTheCorrectedQuery() throws {
        let phantom = Phantom.ellipsoid(size: [9, 12, 7], spacing: [1.2, 0.9, 1.5])
        let (query, _) = try phantom.volumes(.lps)
        let support = [try phantom.labelledVolume(.ras)]
        let model = IdentityModel(inputSize: 16)
        let plain = try VolumeSegmenter(model: model, options: Self.options(AnatomicalPlane.allCases))
            .segment(query: query, support: support)
        let refined = try VolumeSegmenter(
            model: model, options: Self.options(AnatomicalPlane.allCases) { $0.intensityRefinement = true }
        ).segment(query: query, support: support)
        var expected = plain.probabilities.map(\.volume.voxels)
        let options = SegmentationOptions()
        IntensityRefinement.refine(
            &expected, intensities: options.refinementIntensities(of: options.biasCorrected(query)), size: query.size)
        #expect(refined.probabilities.map(\.volume.voxels) == expected)
        #expect(expected != plain.probabilities.map(\.volume.voxels))
        #expect(
            refined.labelMap.labels.map(Float.init)
                == VolumeSegmenter.mostProbableLabels(expected, labels: [1], againstBackground: true))
    }

    @Test func mostProbableLabelAboveOneHalfWins() {
        let probabilities: [[Float]] = [[0.9, 0.4, 0.6, 0.7, 0.5], [0.8, 0.3, 0.7, 0.7, 0.2]]
        #expect(VolumeSegmenter.mostProbableLabels(probabilities, labels: [1, 3]) == [1, 0, 3, 1, 0])
    }

    @Test func everyLabelIsItsOwnProblem() throws {
        // Label 1 in the lower half, label 2 in the upper half; the query's prepared intensity is
        // 0 for background, about 0.5 for label 1 and 1 for label 2.
        let phantom = Phantom(rasSize: [6, 6, 6], rasSpacing: [1, 1, 1]) { r, a, s in
            (1...4).contains(r) && (1...4).contains(a) ? (s < 3 ? 1 : 2) : 0
        }
        let (query, truth) = try phantom.volumes(.lps)
        let support = [try phantom.labelledVolume(.ras)]
        // Logits 40 (q - 0.25): labels 1 and 2 both exceed 0.5, label 2 more surely.
        let model = IdentityModel(inputSize: 6, gain: 40, offset: 0.25)
        let result = try VolumeSegmenter(model: model, options: Self.options([.axial]))
            .segment(query: query, support: support)
        #expect(result.probabilities.map(\.label) == [1, 2])
        #expect(result.labelMap.labels == truth.labels.map { $0 == 0 ? 0 : 1 })
    }

    @Test func progressRisesToOneAndCancelStopsEarly() throws {
        let phantom = Phantom.ellipsoid(size: [8, 8, 8], spacing: [1, 1, 1])
        let (query, _) = try phantom.volumes(.ras)
        let support = [try phantom.labelledVolume(.ras)]
        var fractions: [Double] = []
        var stages: [ProgressStage] = []
        let model = IdentityModel(inputSize: 8)
        _ = try VolumeSegmenter(model: model, options: Self.options(AnatomicalPlane.allCases)).segment(
            query: query, support: support,
            progress: ProgressReporter { fraction, stage in
                fractions.append(fraction)
                stages.append(stage)
                return .proceed
            })
        #expect(fractions == fractions.sorted())
        #expect(fractions.last == 1)
        #expect(Set(stages) == [.preparing, .segmenting, .combining])
        let fullRun = model.calls

        let cancelling = IdentityModel(inputSize: 8)
        #expect(throws: UVSegError.cancelled) {
            try VolumeSegmenter(model: cancelling, options: Self.options(AnatomicalPlane.allCases)).segment(
                query: query, support: support,
                progress: ProgressReporter { _, _ in cancelling.calls >= 2 ? .cancel : .proceed })
        }
        #expect(cancelling.calls == 2)
        #expect(fullRun > 2)
    }

    /// Work counted as labels x members x slices, and members x flips, exceed any Int here: the
    /// progress and the average are computed in floating point.
    @Test func theLargestEnsembleStartsAndCanBeCancelled() throws {
        let phantom = Phantom.ellipsoid(size: [8, 8, 8], spacing: [1, 1, 1])
        let (query, _) = try phantom.volumes(.ras)
        let model = IdentityModel(inputSize: 8)
        let options = Self.options([.axial]) {
            $0.ensembleSize = Int.max
            $0.flipAugmentation = true
        }
        #expect(throws: UVSegError.cancelled) {
            try VolumeSegmenter(model: model, options: options).segment(
                query: query, support: [try phantom.labelledVolume(.ras)],
                progress: ProgressReporter { _, _ in model.calls > 0 ? .cancel : .proceed })
        }
        #expect(model.calls == 2)
    }

    @Test func badInputFailsBeforeTheModelRuns() throws {
        let phantom = Phantom.ellipsoid(size: [6, 6, 6], spacing: [1, 1, 1])
        let (query, labels) = try phantom.volumes(.ras)
        let support = try phantom.labelledVolume(.ras)
        let empty = try LabelledVolume(
            image: query, labels: LabelMap(Volume(size: query.size, voxels: Array(repeating: 0, count: 216), geometry: query.geometry)))
        var broken = query
        broken.voxels.removeLast()
        var flat = query
        flat.geometry.affine[10] = 0  // k has no direction
        let model = IdentityModel(inputSize: 8)
        func segment(
            _ query: Volume, _ support: [LabelledVolume], _ configure: (inout SegmentationOptions) -> Void = { _ in }
        ) throws {
            _ = try VolumeSegmenter(model: model, options: Self.options([.axial], configure: configure))
                .segment(query: query, support: support)
        }
        #expect(throws: UVSegError.self) { try segment(query, []) }
        #expect(throws: UVSegError.self) { try segment(query, [empty]) }
        #expect(throws: UVSegError.self) { try segment(query, [support]) { $0.labels = [2] } }
        #expect(throws: UVSegError.self) { try segment(query, [support]) { $0.supportSize = 0 } }
        #expect(throws: UVSegError.self) { try segment(query, [support]) { $0.ensembleSize = 0 } }
        #expect(throws: UVSegError.self) { try segment(query, [support]) { $0.maxEmptyShare = 1 } }
        #expect(throws: UVSegError.self) { try segment(query, [support]) { $0.planes = [] } }
        #expect(throws: UVSegError.self) { try segment(broken, [support]) }
        #expect(throws: UVSegError.self) { try segment(flat, [support]) }
        #expect(model.calls == 0)

        // A label map on another grid, and labels that are not whole numbers, are refused on entry.
        let shifted = try phantom.volumes(.ras, origin: [0, 0, 3]).labels
        #expect(throws: UVSegError.self) { try LabelledVolume(image: query, labels: shifted) }
        var fractional = labels.volume
        fractional.voxels[5] = 0.5
        #expect(throws: UVSegError.self) { try LabelMap(fractional) }
    }
}
