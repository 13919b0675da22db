import Diagnostics
import Testing
@testable import Workflow

@Suite struct ModelSharingTests {
    @Test func jobsSideBySideShareTheThreadsAndTheMemoryLimit() throws {
        let model = try UniverSegModel.builtInDefault()
        var options = SegmentationOptions()
        options.threads = 5
        let share = try model.shared(among: 2, options: &options)
        #expect(options.threads == 2)
        #expect(share.memoryLimit == model.memoryLimit / 2 && model.memoryLimit == MemoryBudget.defaultLimit)
        // Every core by default, and at least one thread however many jobs.
        options.threads = 0
        _ = try model.shared(among: 1, options: &options)
        #expect(options.threads == UniverSegModel.defaultThreadCount)
        _ = try model.shared(among: 1024, options: &options)
        #expect(options.threads == 1)
        let error = #expect(throws: UVSegError.self) { try model.shared(among: 0, options: &options) }
        #expect(error?.kind == .invalidArgument)
    }
}
