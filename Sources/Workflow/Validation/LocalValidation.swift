import Diagnostics

/// The check every site should run before trusting the model on its data: with M labelled cases,
/// segment each one with support drawn only from the other M - 1 (leave-one-out), at each support
/// size, and measure the result against the case's own labels.
public struct LocalValidation {
    public let model: any InContextModel
    /// The segmentation settings; `supportSize` is replaced by each of `supportSizes` in turn.
    public let options: SegmentationOptions
    public let supportSizes: [Int]

    /// The support sizes validated when none are given.
    public static let standardSupportSizes = [4, 8, 16, 32, 64]

    public init(model: any InContextModel, options: SegmentationOptions, supportSizes: [Int] = standardSupportSizes) {
        self.model = model
        self.options = options
        self.supportSizes = supportSizes
    }

    /// The (held-out case, support cases) pairs of leave-one-out over `count` cases.
    static func folds(count: Int) -> [(heldOut: Int, support: [Int])] {
        (0..<count).map { heldOut in (heldOut, (0..<count).filter { $0 != heldOut }) }
    }

    /// Checks everything before any segmentation: at least two cases, valid support sizes and
    /// options, and every fold's inputs and memory at the largest support size (so a label that only
    /// one case holds, or a fold too large for the memory limit, is reported now).
    /// Returns the options every fold uses: unless labels were given, every label of any case, so
    /// all folds segment and measure the same labels.
    @discardableResult
    public func check(cases: [LabelledVolume]) throws(UVSegError) -> SegmentationOptions {
        guard cases.count >= 2 else {
            throw .invalidArgument(
                "leave-one-out validation needs at least 2 labelled cases, got \(cases.count)")
        }
        guard !supportSizes.isEmpty else { throw .invalidArgument("the list of support sizes is empty") }
        for size in supportSizes {
            var sized = options
            sized.supportSize = size
            try sized.validate()
        }
        var resolved = options
        if resolved.labels == nil {
            let labels = Set(cases.flatMap(\.labels.foregroundLabels)).sorted()
            guard labels.count <= SegmentationOptions.maximumLabelCount else {
                throw .invalidArgument(
                    "the cases hold \(labels.count) different labels (at most \(SegmentationOptions.maximumLabelCount) "
                        + "are segmented at once); choose the labels to validate")
            }
            resolved.labels = labels
        }
        // The largest support size needs the most memory.
        var largest = resolved
        largest.supportSize = supportSizes.max() ?? resolved.supportSize
        let segmenter = try VolumeSegmenter(model: model, options: largest)
        for fold in Self.folds(count: cases.count) {
            do {
                _ = try segmenter.check(query: cases[fold.heldOut].image, support: fold.support.map { cases[$0] })
            } catch {
                throw UVSegError(error.kind, "with case \(fold.heldOut + 1) held out: \(error.message)")
            }
        }
        return resolved
    }

    /// Runs the validation; throws what `check` throws, and `.cancelled` when `progress` asks to stop.
    /// `foldStarting` is told, before each segmentation, which case (counting from 0) is held out
    /// and at which support size, so that a front end can say where the work is.
    public func run(
        cases: [LabelledVolume], progress: ProgressReporter = .silent,
        foldStarting: (_ heldOutCase: Int, _ supportSize: Int) -> Void = { _, _ in }
    ) throws(UVSegError) -> ValidationReport {
        let resolved = try check(cases: cases)
        let folds = Self.folds(count: cases.count)
        var results = [ValidationReport.CaseResult]()
        for (sizeIndex, size) in supportSizes.enumerated() {
            var sized = resolved
            sized.supportSize = size
            let segmenter = try VolumeSegmenter(model: model, options: sized)
            for fold in folds {
                let part = progress.part(sizeIndex * folds.count + fold.heldOut, of: supportSizes.count * folds.count)
                foldStarting(fold.heldOut, size)
                let truth = cases[fold.heldOut]
                let support = fold.support.map { cases[$0] }
                let labels = try segmenter.check(query: truth.image, support: support)
                let result = try segmenter.segment(query: truth.image, support: support, progress: part)
                try part.report(1, .validating)
                results.append(ValidationReport.CaseResult(
                    caseIndex: fold.heldOut, supportCases: fold.support, supportSize: size,
                    evaluation: try SegmentationEvaluation(prediction: result.labelMap, truth: truth.labels, labels: labels)))
            }
        }
        return ValidationReport(cases: results, supportSizes: supportSizes)
    }
}
