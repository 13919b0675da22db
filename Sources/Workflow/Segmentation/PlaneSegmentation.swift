import Diagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Segments every slice of a query along one plane, for each label, and reassembles the
/// probabilities on the query's (RAS+) grid.
struct PlaneSegmentation {
    let model: any InContextModel
    let options: SegmentationOptions
    let plane: AnatomicalPlane
    /// The most working memory each model call may use (what the call's budget leaves it).
    let modelMemoryLimit: Int

    /// The most query slices given to the model in one call: bounds the model's working memory and
    /// how long a cancel request waits.
    static let batchLimit = 16

    /// Calls `body(index in labels, probabilities)` with each label's foreground probabilities on
    /// `query`'s grid, averaged over the ensemble members and flips, one label at a time. The query
    /// slices go on canvases of the pool's span, at the support slices' scale.
    func probabilities(
        of query: PreparedCase, pool: SupportPool, selector: SupportSelector, labels: [Int32],
        progress: ProgressReporter, _ body: (Int, [Float]) throws(UVSegError) -> Void
    ) throws(UVSegError) {
        let side = model.inputSize
        let stack = SliceStack(plane: plane, size: query.size, spacing: query.spacing)
        let canvas = ModelCanvas(
            side: side, width: stack.width, height: stack.height,
            columnSpacing: stack.columnSpacing, rowSpacing: stack.rowSpacing, span: pool.span)
        let images = (0..<stack.count).map { canvas.place(image: stack.slice($0, of: query.image)).pixels }
        let queries = images.enumerated().map { slice, image in
            selector.query(slice: slice, relativePosition: stack.relativePosition(of: slice), image: image)
        }
        // In floating point: the product of counts may exceed any Int.
        let passes = Float(options.ensembleSize) * (options.flipAugmentation ? 2 : 1)
        let totalSlices = Double(labels.count) * Double(options.ensembleSize) * Double(stack.count)
        var doneSlices = 0.0
        for (labelIndex, label) in labels.enumerated() {
            var sums = [Float](repeating: 0, count: stack.count * side * side)
            for member in 0..<options.ensembleSize {
                let selections = queries.map { selector.select(label: label, member: member, for: $0) }
                for batch in Self.batches(of: selections) {
                    try progress.report(doneSlices / totalSlices, .segmenting)
                    let support = SupportSet(selections[batch.lowerBound], from: pool, label: label)
                    let batchImages = Array(images[batch].joined())
                    var probabilities = try predict(batchImages, count: batch.count, support: support)
                    if options.flipAugmentation {
                        let mirrored = try predict(
                            SliceImage.mirroringRows(of: batchImages, width: side), count: batch.count,
                            support: support.mirrored(side: side))
                        probabilities = zip(probabilities, SliceImage.mirroringRows(of: mirrored, width: side))
                            .map { $0 + $1 }
                    }
                    let offset = batch.lowerBound * side * side
                    for (index, value) in probabilities.enumerated() { sums[offset + index] += value }
                    doneSlices += Double(batch.count)
                }
            }
            var volume = [Float](repeating: 0, count: query.image.count)
            for slice in 0..<stack.count {
                let start = slice * side * side
                let mean = SliceImage(
                    width: side, height: side, pixels: sums[start..<start + side * side].map { $0 / passes })
                stack.store(canvas.native(from: mean), at: slice, into: &volume)
            }
            try body(labelIndex, volume)
        }
        try progress.report(1, .segmenting)
    }

    /// Sigmoid of the model's logits for `count` stacked canvas images.
    private func predict(_ images: [Float], count: Int, support: SupportSet) throws(UVSegError) -> [Float] {
        let logits = try model.logits(
            queries: images, queryCount: count, supportImages: support.images, supportLabels: support.labels,
            supportCount: support.count, memoryLimit: modelMemoryLimit)
        let expected = count * model.inputSize * model.inputSize
        guard logits.count == expected else {
            throw .invalidArgument("the model returned \(logits.count) logits for \(expected) query pixels")
        }
        return logits.map { 1 / (1 + exp(-$0)) }
    }

    /// Runs of consecutive slices that share one support set, at most `batchLimit` long.
    static func batches(of selections: [[Int]]) -> [Range<Int>] {
        var batches = [Range<Int>]()
        var start = 0
        for index in selections.indices.dropFirst() where
            selections[index] != selections[start] || index - start == batchLimit
        {
            batches.append(start..<index)
            start = index
        }
        if !selections.isEmpty { batches.append(start..<selections.count) }
        return batches
    }
}
