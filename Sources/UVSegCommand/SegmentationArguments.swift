import ArgumentParser
import Foundation
import Workflow

extension SupportStrategy: ExpressibleByArgument {}
extension SupportAlignment: ExpressibleByArgument {}
extension SegmentationMethod: ExpressibleByArgument {}
extension LabelFusion: ExpressibleByArgument {}

/// The options `segment` and `validate` share: the model and how each volume is segmented.
struct SegmentationArguments: ParsableArguments {
    /// `--plane`: one anatomical plane, all three fused, or those with square-ish pixels.
    enum PlaneChoice: String, ExpressibleByArgument, CaseIterable {
        case axial, coronal, sagittal, all, auto

        /// The planes of this choice; nil for `auto` (chosen per volume).
        var planes: [AnatomicalPlane]? {
            switch self {
            case .all: AnatomicalPlane.allCases
            case .auto: nil
            default: AnatomicalPlane(rawValue: rawValue).map { [$0] }
            }
        }

        /// The choice that gives `planes`.
        init(_ planes: [AnatomicalPlane]?) {
            self = Self.allCases.first { $0.planes == planes } ?? .auto
        }
    }

    @Option(help: "Checkpoint of the network (.pt or .safetensors); default: the built-in model.")
    var weights: String?

    @Option(help: "How support volumes are brought onto the query: registered to it (affine, or affine then deformable) and resampled onto its grid, or used as stored.")
    var align: SupportAlignment = SegmentationOptions().alignment

    @Option(help: "What segments: the network from support slices, atlas propagation of the support's labels (fused over support volumes), or the mean of both.")
    var method: SegmentationMethod = SegmentationOptions().method

    @Option(help: "How atlas propagation combines several support volumes: the same say each, or weighted by local image similarity.")
    var fusion: LabelFusion = SegmentationOptions().fusion

    @Option(help: "Plane to segment along; all three with their probabilities averaged; or auto: every plane in which the volumes' pixels are at most twice as long as wide.")
    var plane = PlaneChoice(SegmentationOptions().planes)

    @Option(help: "How support slices are chosen for each query slice: nearest relative position, random, or best correlated image.")
    var strategy: SupportStrategy = SegmentationOptions().strategy

    @Option(name: .customLong("ensemble"), parsing: .unconditional, help: "Support sets per slice, drawn with different seeds and averaged.")
    var ensembleSize = SegmentationOptions().ensembleSize

    @Flag(name: .customLong("tta"), help: "Also segment every slice mirrored and average (test-time augmentation).")
    var flipAugmentation = false

    @Option(parsing: .unconditional, help: "Labels to segment, comma-separated (default: every label in the support).")
    var labels: String?

    @Flag(help: "Keep only the largest connected component of each label.")
    var largestComponent = false

    @Flag(help: "Fill holes enclosed by one label.")
    var fillHoles = false

    @Option(parsing: .unconditional, help: "Largest share of a support set made of slices without the label, in [0, 1).")
    var emptyShare = SegmentationOptions().maxEmptyShare

    @Option(parsing: .unconditional, help: "Seed of every random choice (support sets, ensemble members).")
    var seed = SegmentationOptions().seed

    @Option(parsing: .unconditional, help: "Intensity percentiles clipped before scaling to [0, 1], as LOW,HIGH.")
    var percentiles = "0.5,99.5"

    @Option(parsing: .unconditional, help: "CT window LEVEL,WIDTH in HU, used instead of percentiles.")
    var ctWindow: String?

    @Flag(
        inversion: .prefixedNo,
        help: "Divide each MR volume by its estimated bias field (smooth intensity non-uniformity) first; never with --ct-window.")
    var biasCorrection = SegmentationOptions().biasCorrection

    @Flag(
        inversion: .prefixedNo,
        help: "Refine the probabilities with the query's own intensities (each label's and background's intensity histogram near the labels) and label each voxel with the most probable of background and the labels; without it, the most probable label above 0.5.")
    var intensityRefinement = SegmentationOptions().intensityRefinement

    @Option(parsing: .unconditional, help: "Threads of the network and the alignment (default: every core); results do not depend on it.")
    var threads: Int?

    @Flag(help: "No progress bar and no closing line.")
    var quiet = false

    /// The segmentation options these arguments describe (support size left at its default);
    /// throws `.invalidArgument` for malformed or out-of-range values.
    func options() throws(UVSegError) -> SegmentationOptions {
        if let threads, !(1...UniverSegModel.maximumThreadCount).contains(threads) {
            throw .invalidArgument("--threads must be from 1 to \(UniverSegModel.maximumThreadCount), got \(threads)")
        }
        var options = SegmentationOptions()
        options.planes = plane.planes
        options.strategy = strategy
        options.ensembleSize = ensembleSize
        options.flipAugmentation = flipAugmentation
        options.labels = try labels.map { text throws(UVSegError) in try Self.numbers(text, "--labels").map(Int32.init) }
        options.keepLargestComponent = largestComponent
        options.fillHoles = fillHoles
        options.maxEmptyShare = emptyShare
        options.seed = seed
        options.alignment = align
        options.method = method
        options.fusion = fusion
        options.threads = threads ?? 0
        options.biasCorrection = biasCorrection
        options.intensityRefinement = intensityRefinement
        if let ctWindow {
            let values = try Self.pair(ctWindow, "--ct-window")
            options.intensity = .window(level: values.0, width: values.1)
        } else {
            let values = try Self.pair(percentiles, "--percentiles")
            options.intensity = .percentiles(lower: values.0, upper: values.1)
        }
        try options.validate()
        return options
    }

    /// Comma-separated whole numbers that fit an `Int32`.
    static func numbers(_ text: String, _ option: String) throws(UVSegError) -> [Int] {
        var values = [Int]()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int32(part.trimmingCharacters(in: .whitespaces)) else {
                throw .invalidArgument("\(option) takes comma-separated whole numbers, got \"\(text)\"")
            }
            values.append(Int(value))
        }
        return values
    }

    private static func pair(_ text: String, _ option: String) throws(UVSegError) -> (Double, Double) {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, text.split(separator: ",").count == 2 else {
            throw .invalidArgument("\(option) takes two numbers separated by a comma, got \"\(text)\"")
        }
        return (parts[0], parts[1])
    }
}
