import Diagnostics
import Testing
@testable import Workflow

@Suite struct ProgressReporterTests {
    @Test func partsMapOntoTheirShareOfTheParent() throws {
        var seen: [Double] = []
        let reporter = ProgressReporter { fraction, _ in
            seen.append(fraction)
            return .proceed
        }
        let second = reporter.part(from: 0.5, to: 1).part(1, of: 2)
        try second.report(0, .segmenting)
        try second.report(0.5, .segmenting)
        try second.report(2, .segmenting)
        #expect(seen == [0.75, 0.875, 1])
    }

    @Test func cancelThrowsCancelled() {
        let reporter = ProgressReporter { _, _ in .cancel }
        #expect(throws: UVSegError.cancelled) { try reporter.report(0.1, .preparing) }
        #expect(throws: Never.self) { try ProgressReporter.silent.report(0.1, .preparing) }
    }
}
