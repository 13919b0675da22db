import Diagnostics

/// The sizes of one prediction request: how many query images and support pairs, and their size.
///
/// Making one checks the counts and that every buffer size derived from them fits in `Int`, so a
/// caller (the C layer) can size its buffers from `queryValueCount` and `supportValueCount` safely.
public struct PredictionShape: Sendable, Equatable {
    public let queryCount: Int
    public let supportCount: Int
    public let height: Int
    public let width: Int

    /// Throws `.invalidArgument` for a count or size below 1, or sizes whose buffers could not exist.
    public init(queryCount: Int, supportCount: Int, height: Int, width: Int) throws(UVSegError) {
        guard queryCount >= 1 else {
            throw .invalidArgument("the number of query images must be at least 1, not \(queryCount)")
        }
        guard supportCount >= 1 else {
            throw .invalidArgument("the support set must hold at least 1 image-label pair, not \(supportCount)")
        }
        guard height >= 1, width >= 1 else {
            throw .invalidArgument("image height and width must be at least 1, not \(height) x \(width)")
        }
        let (planeSize, planeOverflow) = height.multipliedReportingOverflow(by: width)
        let (queries, queryOverflow) = planeSize.multipliedReportingOverflow(by: queryCount)
        let (support, supportOverflow) = planeSize.multipliedReportingOverflow(by: supportCount)
        guard !planeOverflow, planeSize <= Int(Int32.max), !queryOverflow, !supportOverflow else {
            throw .invalidArgument(
                "\(queryCount) queries and \(supportCount) support pairs of \(height) x \(width) pixels are more than uvseg can address")
        }
        self.queryCount = queryCount
        self.supportCount = supportCount
        self.height = height
        self.width = width
        queryValueCount = queries
        supportValueCount = support
    }

    /// Pixels of one image.
    public var planeSize: Int { height * width }
    /// Floats in the query buffer and in the logits buffer: queryCount x height x width.
    public let queryValueCount: Int
    /// Floats in each of the support image and label buffers: supportCount x height x width.
    public let supportValueCount: Int

    /// Throws `.invalidArgument` unless height and width are multiples of `sizeMultiple`.
    func checkDivisible(by sizeMultiple: Int, encoderBlockCount: Int) throws(UVSegError) {
        guard height % sizeMultiple == 0, width % sizeMultiple == 0 else {
            throw .invalidArgument(
                "image size \(height) x \(width) is not a multiple of \(sizeMultiple) in both directions: this network's \(encoderBlockCount) encoder blocks halve the image \(encoderBlockCount - 1) times; pad or resample the images to a multiple of \(sizeMultiple)")
        }
    }
}
