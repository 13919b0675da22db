import Diagnostics
import NIfTI

/// The memory one volume segmentation needs for what its inputs size, charged to the call's
/// `MemoryBudget` before any of it is made: inputs too large for the limit fail at once, with a
/// message naming the structure that would not fit and its size.
///
/// It follows `VolumeSegmenter.segment` as an upper bound: the prepared volumes and the per-label
/// probabilities live through the call; a plane's support pool, query slices, support sets,
/// batches and resampling only while that plane is segmented; the label map at the end. The model's
/// working memory for one query slice is charged last in each plane: what the budget holds before
/// it is the model's limit.
struct SegmentationFootprint {
    /// The canvas side (the model's input size).
    let side: Int
    let options: SegmentationOptions
    /// The labels segmented, and the distinct labels the support label maps hold.
    let labelCount: Int, supportLabelCount: Int
    /// Grid sizes in RAS+ orientation, as slicing sees them.
    let query: GridSize, support: [GridSize]
    /// The planes the volumes are segmented along.
    let planes: [AnatomicalPlane]
    /// What refining the probabilities by the query's intensities holds besides them, in floats.
    let refinementFloats: Int

    /// Bytes of a support pool candidate besides its canvases: its fields and the arrays' headers.
    static let candidateOverhead = 256
    /// Bytes per target sample of `ResamplingWeights` (its arrays' headers, first source, and the
    /// taps, at most two per sample plus two per source sample), with room to spare.
    static let resamplingBytesPerSample = 80

    /// The footprint of segmenting `query` from `support` (both checked with
    /// `VolumeChecks.requireConsistent`).
    init(
        query: Volume, support: [LabelledVolume], labelCount: Int, supportLabelCount: Int,
        options: SegmentationOptions, side: Int
    ) throws(UVSegError) {
        self.side = side
        self.options = options
        self.labelCount = labelCount
        self.supportLabelCount = supportLabelCount
        let queryGrid = try Reorientation(size: query.size, geometry: query.geometry)
        let supportGrids = try support.map { (member) throws(UVSegError) in
            try Reorientation(size: member.image.size, geometry: member.image.geometry)
        }
        self.query = queryGrid.rasSize
        self.support = supportGrids.map(\.rasSize)
        planes = options.planesToSegment(spacings: [queryGrid.rasSpacing] + supportGrids.map(\.rasSpacing))
        refinementFloats = options.refinementWorkingFloats(of: query)
    }

    /// Charges the whole segmentation to `budget`, which ends holding its peak; returns the most
    /// working memory each model call may use. Throws `.outOfMemory` naming the first structure
    /// that does not fit.
    func charge(into budget: inout MemoryBudget, model: any InContextModel) throws(UVSegError) -> Int {
        let float = MemoryLayout<Float>.stride
        let queryVoxels = query.voxelCount
        let supportVoxels = support.reduce(0) { Self.sum($0, $1.voxelCount) }
        try budget.charge(queryVoxels, of: float, for: "the prepared query (\(queryVoxels) voxels)")
        try budget.charge(
            Self.product(supportVoxels, 2), of: float,
            for: "the prepared support volumes (\(supportVoxels) voxels, image and labels)")
        // Preparing a volume holds two more arrays of its voxels while its RAS+ copies are made.
        let largest = support.map(\.voxelCount).reduce(queryVoxels, max)
        let preparing = Self.product(largest, 2)
        try budget.charge(preparing, of: float, for: "preparing the intensities of a volume of \(largest) voxels")
        budget.release(preparing, of: float)
        try budget.charge(
            Self.product(labelCount, queryVoxels), of: float,
            for: "the probabilities of \(labelCount) labels on the query's grid of \(queryVoxels) voxels")

        var modelLimit = Int.max
        for plane in planes {
            let charged = budget.charged
            modelLimit = min(modelLimit, try chargePlane(plane, into: &budget, model: model))
            budget.release(budget.charged - charged, of: 1)
        }

        try options.chargeRefinement(refinementFloats, to: &budget)
        let mapFloats = options.keepLargestComponent || options.fillHoles ? 6 : 2
        try budget.charge(
            Self.product(queryVoxels, mapFloats), of: float,
            for: "the label map of \(queryVoxels) voxels and its post-processing")
        return modelLimit
    }

    /// Charges what segmenting along `plane` holds; returns what is left for the model.
    private func chargePlane(
        _ plane: AnatomicalPlane, into budget: inout MemoryBudget, model: any InContextModel
    ) throws(UVSegError) -> Int {
        let float = MemoryLayout<Float>.stride
        let canvas = "\(side) x \(side)"
        let canvasPixels = side * side
        let pool = support.reduce(0) { Self.sum($0, $1.axes[plane.normalAxis]) }
        let querySlices = query.axes[plane.normalAxis]
        let supportSetSize = min(options.supportSize, pool)
        let batch = min(PlaneSegmentation.batchLimit, querySlices)
        let flipCopies = options.flipAugmentation ? 2 : 1

        let candidate = Self.sum(
            Self.product(2, canvasPixels, float), Self.candidateOverhead,
            Self.product(4 * MemoryLayout<Int32>.stride, min(canvasPixels, supportLabelCount)))
        try budget.charge(
            pool, of: candidate,
            for: "the \(plane.rawValue) support pool (\(pool) slices on \(canvas) canvases, image and labels)")
        try budget.charge(
            Self.product(labelCount, pool), of: MemoryLayout<Int>.stride,
            for: "the lists of \(pool) support slices for \(labelCount) labels")
        try budget.charge(
            Self.product(querySlices, canvasPixels, 2), of: float,
            for: "the \(plane.rawValue) query slices (\(querySlices) on \(canvas) canvases, and their sums)")
        try budget.charge(
            Self.product(querySlices, Self.sum(supportSetSize, 8)), of: MemoryLayout<Int>.stride,
            for: "the support sets chosen for \(querySlices) query slices")
        if options.strategy == .similar {
            try budget.charge(
                Self.product(querySlices, Self.sum(pool, 16)), of: float,
                for: "the differences between \(querySlices) query slices and \(pool) support slices")
        }
        try budget.charge(
            Self.product(supportSetSize, canvasPixels, 2 * flipCopies), of: float,
            for: "a support set (\(supportSetSize) slices on \(canvas) canvases, image and labels)")
        try budget.charge(
            Self.product(batch, canvasPixels, 4 * flipCopies), of: float,
            for: "a batch of \(batch) query slices on \(canvas) canvases")
        try budget.charge(
            Self.product(query.voxelCount, 2), of: float, for: "one label's probabilities on the query's grid")
        try chargeResampling(plane, into: &budget)

        let available = budget.remaining
        try budget.charge(
            model.minimumWorkingMemory(supportCount: supportSetSize), of: 1,
            for: "the model's working memory for one query slice and \(supportSetSize) support slices of \(canvas) pixels")
        return available
    }

    /// Charges moving the largest slices of `plane` onto the canvas and back: the intermediate
    /// images of a separable resize and the filter weights of both axes, both ways.
    private func chargeResampling(_ plane: AnatomicalPlane, into budget: inout MemoryBudget) throws(UVSegError) {
        let grids = [query] + support
        let width = grids.map { $0.axes[plane.inPlaneAxes.column] }.reduce(side, max)
        let height = grids.map { $0.axes[plane.inPlaneAxes.row] }.reduce(side, max)
        let images = Self.product(width, height, 3 * MemoryLayout<Float>.stride)
        let weights = Self.product(Self.sum(width, height, 2 * side), 2, Self.resamplingBytesPerSample)
        try budget.charge(
            Self.sum(images, weights), of: 1,
            for: "resampling \(plane.rawValue) slices of up to \(width) x \(height) pixels to and from the canvas")
    }

    /// The product of counts, `Int.max` when it overflows (a charge then fails).
    static func product(_ factors: Int...) -> Int {
        var result = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: max(factor, 0))
            guard !overflow else { return Int.max }
            result = next
        }
        return result
    }

    /// The sum of counts, `Int.max` when it overflows.
    static func sum(_ terms: Int...) -> Int {
        var result = 0
        for term in terms {
            let (next, overflow) = result.addingReportingOverflow(max(term, 0))
            guard !overflow else { return Int.max }
            result = next
        }
        return result
    }
}

extension GridSize {
    /// Voxels of the grid; `Int.max` beyond counting.
    fileprivate var voxelCount: Int { SegmentationFootprint.product(i, j, k) }
}
