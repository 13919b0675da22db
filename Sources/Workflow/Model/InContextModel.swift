import Diagnostics

/// Something that segments square 2-D query slices from a support set of labelled slices: the
/// UniverSeg network, or a stand-in in tests.
///
/// Slices are `inputSize` x `inputSize` float32 images, row-major, stacked: element (n, y, x) is
/// at `(n * inputSize + y) * inputSize + x`. Images are in [0, 1], support labels are 0 or 1.
public protocol InContextModel {
    /// The side in pixels of the square slices the model takes.
    var inputSize: Int { get }

    /// The memory, in bytes, one segmentation with this model may use in all: the limit of the
    /// call's `MemoryBudget`, shared by the workflow's structures and the model's working memory.
    var memoryLimit: Int { get }

    /// The least working memory, in bytes, one query with `supportCount` support pairs needs
    /// (`Int.max` if beyond counting).
    func minimumWorkingMemory(supportCount: Int) -> Int

    /// One logit map per query (`queryCount` x `inputSize` x `inputSize` values; probability =
    /// sigmoid(logit)), every query segmented with the same `supportCount` support pairs, using at
    /// most `memoryLimit` bytes of working memory (throws `.outOfMemory` if that is too little).
    func logits(
        queries: [Float], queryCount: Int, supportImages: [Float], supportLabels: [Float], supportCount: Int,
        memoryLimit: Int
    ) throws(UVSegError) -> [Float]
}
