import Diagnostics
import Synchronization

/// The check every site should run before trusting the model on its data: with M labelled cases,
/// segment each one with support drawn only from the other M - 1 (leave-one-out), at each support
/// size, and measure the result against the case's own labels.
public struct LocalValidation: Sendable {
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
    ///
    /// With `jobs` above 1, that many segmentations run at once on their own threads (give each
    /// its share of threads and memory with `UniverSegModel.shared(among:options:)`); the report
    /// is the same. `progress` and
    /// `foldStarting` are then called from those threads, one call at a time, and `progress` hears
    /// only of finished segmentations; the first failure stops the others at their next slice and
    /// is what is thrown.
    public func run(
        cases: [LabelledVolume], jobs: Int = 1, progress: ProgressReporter = .silent,
        foldStarting: (_ heldOutCase: Int, _ supportSize: Int) -> Void = { _, _ in }
    ) throws(UVSegError) -> ValidationReport {
        guard jobs >= 1 else { throw .invalidArgument("the number of jobs must be at least 1, got \(jobs)") }
        let resolved = try check(cases: cases)
        let segmenters = try supportSizes.map { size throws(UVSegError) in
            var sized = resolved
            sized.supportSize = size
            return try VolumeSegmenter(model: model, options: sized)
        }
        let folds = Self.folds(count: cases.count)
        let work = supportSizes.indices.flatMap { size in folds.map { (size: size, fold: $0) } }
        // Calls into the caller's closures happen under this lock only.
        nonisolated(unsafe) let progress = progress
        return try withoutActuallyEscaping(foldStarting) { foldStarting throws(UVSegError) in
            nonisolated(unsafe) let foldStarting = foldStarting
            let state = Mutex((results: [ValidationReport.CaseResult?](repeating: nil, count: work.count), done: 0,
                               failure: UVSegError?.none))
            let anotherFailed = StopSignal()
            SideBySide.forEach(count: work.count, jobs: jobs) { index in
                let (sizeIndex, fold) = work[index]
                // Side by side, a segmentation stops at its next slice once another has failed.
                let part = jobs == 1 ? progress.part(index, of: work.count) : anotherFailed.reporter
                do throws(UVSegError) {
                    state.withLock { _ in foldStarting(fold.heldOut, supportSizes[sizeIndex]) }
                    let result = try segment(fold, of: cases, with: segmenters[sizeIndex], progress: part)
                    try state.withLock { state throws(UVSegError) in
                        state.results[index] = result
                        state.done += 1
                        try progress.report(Double(state.done) / Double(work.count), .validating)
                    }
                    return true
                } catch {
                    state.withLock { state in
                        if state.failure == nil { state.failure = error }
                    }
                    anotherFailed.raise()
                    return false
                }
            }
            let outcome = state.withLock { $0 }
            if let failure = outcome.failure { throw failure }
            return ValidationReport(cases: outcome.results.compactMap { $0 }, supportSizes: supportSizes)
        }
    }

    /// One fold at one support size, measured against the held-out case's labels.
    private func segment(
        _ fold: (heldOut: Int, support: [Int]), of cases: [LabelledVolume], with segmenter: VolumeSegmenter,
        progress: ProgressReporter
    ) throws(UVSegError) -> ValidationReport.CaseResult {
        let truth = cases[fold.heldOut]
        let support = fold.support.map { cases[$0] }
        let labels = try segmenter.check(query: truth.image, support: support)
        let result = try segmenter.segment(query: truth.image, support: support, progress: progress)
        return ValidationReport.CaseResult(
            caseIndex: fold.heldOut, supportCases: fold.support, supportSize: segmenter.options.supportSize,
            evaluation: try SegmentationEvaluation(prediction: result.labelMap, truth: truth.labels, labels: labels))
    }
}

/// Raised once by any thread; a reporter that cancels from then on.
private final class StopSignal: Sendable {
    private let raised = Atomic(false)

    func raise() { raised.store(true, ordering: .relaxed) }

    var reporter: ProgressReporter {
        ProgressReporter { [self] _, _ in raised.load(ordering: .relaxed) ? .cancel : .proceed }
    }
}
