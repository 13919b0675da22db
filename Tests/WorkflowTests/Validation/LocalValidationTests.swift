import Diagnostics
import Synchronization
import Testing
@testable import Workflow

@Suite struct LocalValidationTests {
    @Test func leaveOneOutHoldsOutEachCaseOnce() {
        let folds = LocalValidation.folds(count: 4)
        #expect(folds.map(\.heldOut) == [0, 1, 2, 3])
        for fold in folds {
            #expect(fold.support == (0..<4).filter { $0 != fold.heldOut })
        }
    }

    @Test func everyCaseIsSegmentedAtEverySupportSize() throws {
        // Three cases of different shapes; the sharp identity model segments each exactly.
        let cases = try [[8, 8, 6], [7, 8, 6], [8, 6, 6]].map { size in
            try Phantom.ellipsoid(size: size, spacing: [1, 1, 2]).labelledVolume(.lps)
        }
        let model = IdentityModel.sharp(inputSize: 16)
        var options = SegmentationOptions()
        options.alignment = .none
        options.method = .network
        options.strategy = .random
        var lastFraction = 0.0
        let report = try LocalValidation(model: model, options: options, supportSizes: [2, 5]).run(
            cases: cases,
            progress: ProgressReporter { fraction, _ in
                lastFraction = fraction
                return .proceed
            })
        #expect(report.cases.map(\.caseIndex) == [0, 1, 2, 0, 1, 2])
        #expect(report.cases.map(\.supportSize) == [2, 2, 2, 5, 5, 5])
        #expect(report.cases.map(\.supportCases) == [[1, 2], [0, 2], [0, 1], [1, 2], [0, 2], [0, 1]])
        #expect(Set(model.supportCounts) == [2, 5])
        #expect(report.cases.allSatisfy { $0.evaluation.labels.map(\.dice) == [1] })
        #expect(report.summaries.map(\.supportSize) == [2, 5])
        #expect(report.summaries.allSatisfy { $0.dice.mean == 1 && $0.dice.standardDeviation == 0 && $0.dice.count == 3 })
        #expect(lastFraction == 1)
    }

    @Test func foldsSideBySideGiveTheSameReport() throws {
        let cases = try [[8, 8, 6], [7, 8, 6], [8, 6, 6], [6, 8, 6]].map { size in
            try Phantom.ellipsoid(size: size, spacing: [1, 1, 2], fraction: 0.35).labelledVolume(.lps)
        }
        var options = SegmentationOptions()
        options.alignment = .none
        options.method = .network
        options.strategy = .random
        let validation = LocalValidation(model: IdentityModel(inputSize: 16), options: options, supportSizes: [2, 5])
        let alone = try validation.run(cases: cases)
        var fractions = [Double]()
        var started = [[Int]]()
        let sideBySide = try validation.run(
            cases: cases, jobs: 3,
            progress: ProgressReporter { fraction, _ in
                fractions.append(fraction)
                return .proceed
            },
            foldStarting: { started.append([$0, $1]) })
        #expect(sideBySide.json(caseFiles: []) == alone.json(caseFiles: []))
        #expect(sideBySide.cases.map(\.caseIndex) == [0, 1, 2, 3, 0, 1, 2, 3])
        // The soft identity model gives each case its own Dice, so a mix-up of results would show.
        #expect(Set(alone.cases.map { $0.evaluation.labels[0].dice }).count > 1)
        #expect(fractions == (1...8).map { Double($0) / 8 })
        #expect(Set(started) == Set([2, 5].flatMap { size in (0..<4).map { [$0, size] } }))
        #expect(started.count == 8)
    }

    @Test func aFailureSideBySideStopsTheRunAndIsWhatIsThrown() throws {
        let cases = try [[8, 8, 6], [7, 8, 6], [8, 6, 6]].map { size in
            try Phantom.ellipsoid(size: size, spacing: [1, 1, 2]).labelledVolume(.lps)
        }
        var options = SegmentationOptions()
        options.alignment = .none
        options.method = .network
        let failing = FailingModel(IdentityModel(inputSize: 16), failingCall: 3)
        let validation = LocalValidation(model: failing, options: options, supportSizes: [2, 4])
        #expect(throws: UVSegError(.outOfMemory, "call 3 fails")) { try validation.run(cases: cases, jobs: 2) }
        // A handler that cancels stops the run too, side by side as alone.
        let whole = IdentityModel(inputSize: 16)
        _ = try LocalValidation(model: whole, options: options, supportSizes: [2, 4]).run(cases: cases)
        for jobs in [1, 2] {
            let model = IdentityModel(inputSize: 16)
            let cancelling = LocalValidation(model: model, options: options, supportSizes: [2, 4])
            #expect(throws: UVSegError.cancelled) {
                try cancelling.run(cases: cases, jobs: jobs, progress: ProgressReporter { _, _ in .cancel })
            }
            #expect(model.calls < whole.calls)
        }
        #expect(throws: UVSegError.self) { try validation.run(cases: cases, jobs: 0) }
    }

    @Test func summaryUsesSampleDeviationOfFiniteValues() {
        let summary = MetricSummary([1, 2, 3, 4, .infinity])
        #expect(summary.mean == 2.5)
        #expect(abs((summary.standardDeviation ?? 0) - 1.2909944487358056) < 1e-12)
        #expect(summary.finiteCount == 4 && summary.count == 5)
        #expect(MetricSummary([.infinity]).mean == nil)
    }

    @Test func problemsAreFoundBeforeAnyCaseIsSegmented() throws {
        let phantom = Phantom.ellipsoid(size: [6, 6, 6], spacing: [1, 1, 1])
        let one = try phantom.labelledVolume(.ras)
        // A second case whose only label is 2: held out, no other case shows label 2.
        let other = try Phantom(rasSize: [6, 6, 6], rasSpacing: [1, 1, 1]) { r, _, _ in r < 3 ? 2 : 0 }
            .labelledVolume(.ras)
        let model = IdentityModel(inputSize: 8)
        let validation = LocalValidation(model: model, options: SegmentationOptions(), supportSizes: [4])
        #expect(throws: UVSegError.self) { try validation.run(cases: [one]) }
        #expect(throws: UVSegError.self) { try validation.run(cases: [one, one, other]) }
        #expect(throws: UVSegError.self) {
            try LocalValidation(model: model, options: SegmentationOptions(), supportSizes: [0]).run(cases: [one, one])
        }
        #expect(throws: UVSegError.self) {
            try LocalValidation(model: model, options: SegmentationOptions(), supportSizes: []).run(cases: [one, one])
        }
        #expect(model.calls == 0)
    }
}

/// A model that fails on one call (counting from 1) and otherwise answers as `base` does.
private final class FailingModel: InContextModel {
    let base: IdentityModel
    let failingCall: Int
    private let calls = Mutex(0)

    init(_ base: IdentityModel, failingCall: Int) {
        self.base = base
        self.failingCall = failingCall
    }

    var inputSize: Int { base.inputSize }
    var memoryLimit: Int { base.memoryLimit }
    func minimumWorkingMemory(supportCount: Int) -> Int { base.minimumWorkingMemory(supportCount: supportCount) }

    func logits(
        queries: [Float], queryCount: Int, supportImages: [Float], supportLabels: [Float], supportCount: Int,
        memoryLimit: Int
    ) throws(UVSegError) -> [Float] {
        let call = calls.withLock { count in
            count += 1
            return count
        }
        if call == failingCall { throw UVSegError(.outOfMemory, "call \(call) fails") }
        return try base.logits(
            queries: queries, queryCount: queryCount, supportImages: supportImages, supportLabels: supportLabels,
            supportCount: supportCount, memoryLimit: memoryLimit)
    }
}
