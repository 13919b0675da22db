import Diagnostics

/// Something that segments square 2-D query slices from a support set of labelled slices: the
/// UniverSeg network, or a stand-in in tests.
///
/// Slices are `inputSize` x `inputSize` float32 images, row-major, stacked: element (n, y, x) is
/// at `(n * inputSize + y) * inputSize + x`. Images are in [0, 1], support labels are 0 or 1.
/// Models are shared by segmentations running side by side, so they must be safe to call from
/// several threads at once.
public protocol InContextModel: Sendable {
    /// The side in pixels of the square slices the model takes.
    var inputSize: Int { get }

    /// The memory, in bytes, one segmentation with this model may use in all: the limit of the
    /// call's `MemoryBudget`, shared by the workflow's structures and the model's working memory.
    var memoryLimit: Int { get }

    /// The least working memory, in bytes, one query with `supportCount` support pairs needs
    /// (`Int.max` if beyond counting).
    func minimumWorkingMemory(supportCount: Int) -> Int

    /// This model at `inputSize` (nil: its own) predicting on `threads` threads (0: every core):
    /// what a segmentation's options ask for. Throws `.invalidArgument` for a size it cannot take.
    func configured(inputSize: Int?, threads: Int) throws(UVSegError) -> any InContextModel
    /// One logit map per query (`queryCount` x `inputSize` x `inputSize` values; probability =
    /// sigmoid(logit)), every query segmented with the same `supportCount` support pairs, using at
    /// most `memoryLimit` bytes of working memory (throws `.outOfMemory` if that is too little).
    func logits(
        queries: [Float], queryCount: Int, supportImages: [Float], supportLabels: [Float], supportCount: Int,
        memoryLimit: Int
    ) throws(UVSegError) -> [Float]
}

extension InContextModel {
    /// A model of one size whose thread count does not matter (a stand-in in tests).
    public func configured(inputSize: Int?, threads: Int) throws(UVSegError) -> any InContextModel {
        guard let inputSize, inputSize != self.inputSize else { return self }
        throw .invalidArgument("this model takes \(self.inputSize) x \(self.inputSize) slices only, not \(inputSize)")
    }
}
