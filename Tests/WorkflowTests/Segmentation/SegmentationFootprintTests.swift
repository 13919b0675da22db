import Diagnostics
import NIfTI
import Testing
@testable import Workflow

/// One memory budget per segmentation: what the inputs size is charged before any of it is made,
/// and the model gets what is left.
@Suite struct SegmentationFootprintTests {
    static let phantom = Phantom.ellipsoid(size: [8, 8, 40], spacing: [1, 1, 1])

    static func options(_ configure: (inout SegmentationOptions) -> Void = { _ in }) -> SegmentationOptions {
        var options = SegmentationOptions()
        // The network on the support as stored: the footprint these tests measure.
        options.alignment = .none
        options.method = .network
        options.planes = [.axial]
        options.strategy = .position
        options.supportSize = 8
        configure(&options)
        return options
    }

    /// The bytes the budget of segmenting the phantom at `side` leaves the model.
    static func modelLimit(side: Int, limit: Int, options: SegmentationOptions) throws -> Int {
        let (query, _) = try phantom.volumes(.ras)
        let support = [try phantom.labelledVolume(.ras)]
        let footprint = try SegmentationFootprint(
            query: query, support: support, labelCount: 1, supportLabelCount: 1, options: options, side: side)
        // The segmenter charges the volumes' bias-corrected copies first.
        var budget = MemoryBudget(limit: limit)
        try options.chargeBiasCorrection(of: [query] + support.map(\.image), to: &budget)
        return try footprint.charge(into: &budget, model: IdentityModel(inputSize: side))
    }

    static func segment(_ model: IdentityModel, _ options: SegmentationOptions = options()) throws -> SegmentationResult {
        let (query, _) = try phantom.volumes(.lps)
        return try VolumeSegmenter(model: model, options: options)
            .segment(query: query, support: [try phantom.labelledVolume(.ras)])
    }

    @Test func aSupportPoolBeyondTheLimitIsRefusedBeforeTheModelRuns() throws {
        // 40 axial slices, two 512 x 512 canvases each: 80 MiB.
        let model = IdentityModel(inputSize: 512, memoryLimit: 64 << 20)
        let error = #expect(throws: UVSegError.self) { try Self.segment(model) }
        #expect(error?.kind == .outOfMemory)
        #expect(
            error?.message.hasPrefix("the axial support pool (40 slices on 512 x 512 canvases, image and labels) would "
                + "need 80 MiB, more than the ") == true, "\(error?.message ?? "")")
        #expect(error?.message.hasSuffix("of the memory limit of 64 MiB") == true)
        #expect(model.calls == 0)
    }

    @Test func theModelIsRefusedWhenItsWorkingMemoryDoesNotFitWhatIsLeft() throws {
        let model = IdentityModel(inputSize: 8, memoryLimit: 16 << 20, workingMemory: { _ in 16 << 20 })
        let error = #expect(throws: UVSegError.self) { try Self.segment(model) }
        #expect(error?.kind == .outOfMemory)
        #expect(
            error?.message.hasPrefix("the model's working memory for one query slice and 8 support slices of 8 x 8 "
                + "pixels would need 16 MiB") == true, "\(error?.message ?? "")")
        #expect(model.calls == 0)
    }

    @Test func theModelGetsWhatTheBudgetLeaves() throws {
        let limit = 4 << 20
        let options = Self.options { $0.planes = AnatomicalPlane.allCases }
        let left = try Self.modelLimit(side: 16, limit: limit, options: options)
        let model = IdentityModel(inputSize: 16, memoryLimit: limit)
        _ = try Self.segment(model, options)
        #expect(left > 0 && left < limit)
        #expect(model.calls > 0 && model.memoryLimits.allSatisfy { $0 == left })
    }

    @Test func flipsAndTheSimilarStrategyNeedMore() throws {
        let plain = try Self.modelLimit(side: 16, limit: 4 << 20, options: Self.options())
        for configure: (inout SegmentationOptions) -> Void in [{ $0.flipAugmentation = true }, { $0.strategy = .similar }] {
            #expect(try Self.modelLimit(side: 16, limit: 4 << 20, options: Self.options(configure)) < plain)
        }
    }

    @Test func probabilitiesOfManyLabelsBeyondTheLimitAreRefused() throws {
        // 255 labels of a 64 x 64 x 64 query: 255 MiB of probabilities.
        let phantom = Phantom(rasSize: [64, 64, 64], rasSpacing: [1, 1, 1]) { r, a, s in Int32(r + 64 * (a % 4)) % 255 + 1 }
        let (query, _) = try phantom.volumes(.ras)
        let model = IdentityModel(inputSize: 8, memoryLimit: 256 << 20)
        let error = #expect(throws: UVSegError.self) {
            try VolumeSegmenter(model: model, options: Self.options())
                .segment(query: query, support: [try phantom.labelledVolume(.ras)])
        }
        #expect(error?.kind == .outOfMemory)
        #expect(
            error?.message.hasPrefix("the probabilities of 255 labels on the query's grid of 262144 voxels would need "
                + "255 MiB") == true, "\(error?.message ?? "")")
    }

    @Test func sizesBeyondIntAreMeasuredNotOverflowed() {
        #expect(SegmentationFootprint.product(Int.max, 2) == Int.max)
        #expect(SegmentationFootprint.product(1 << 40, 1 << 30) == Int.max)
        #expect(SegmentationFootprint.product(3, 5, 7) == 105)
        #expect(SegmentationFootprint.sum(Int.max, 1) == Int.max)
        #expect(SegmentationFootprint.sum(3, 4) == 7)
    }

    @Test func validationChecksTheMemoryOfItsLargestSupportSize() throws {
        let cases = try (0..<3).map { _ in try Self.phantom.labelledVolume(.ras) }
        // Support sets of more than 4 slices need more working memory than there is.
        let model = IdentityModel(inputSize: 8, workingMemory: { $0 > 4 ? Int.max / 2 : 0 })
        try LocalValidation(model: model, options: Self.options(), supportSizes: [2, 4]).check(cases: cases)
        let error = #expect(throws: UVSegError.self) {
            try LocalValidation(model: model, options: Self.options(), supportSizes: [2, 8]).check(cases: cases)
        }
        #expect(error?.kind == .outOfMemory)
        #expect(error?.message.contains("8 support slices") == true, "\(error?.message ?? "")")
        #expect(model.calls == 0)
    }
}
