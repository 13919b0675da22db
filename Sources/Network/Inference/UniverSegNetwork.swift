import Diagnostics

/// The UniverSeg in-context segmentation network, ready to segment.
///
/// Given query images and a support set of (image, label) pairs of the same size, it predicts one
/// logit map per query (probability = sigmoid(logit)). Immutable once made: one network may be used
/// by many threads at once, and each call uses its own working memory, estimated and checked
/// against `workingMemoryLimit` before anything is allocated. The network keeps the memory its
/// calls give back for its next calls (about the working memory of the last calls), until it goes.
public final class UniverSegNetwork: Sendable {
    /// The default working-memory limit of one call: 4 GiB.
    public static let defaultWorkingMemoryLimit = 4 << 30
    /// At most this many queries of one call share encoder block 0's support work at a time; more
    /// would save little and hold more memory.
    static let maximumQueriesSharingSupportWork = 16
    /// The default thread count of a prediction: every core available to the process.
    public static var defaultThreadCount: Int { ConvolutionWorkers.availableCores }
    /// The most threads one prediction may use.
    public static let maximumThreadCount = 1024

    /// The depth and widths, inferred from the checkpoint.
    public let architecture: UniverSegArchitecture
    /// The most working memory, in bytes, one prediction call may use.
    public let workingMemoryLimit: Int
    package let weights: NetworkWeights
    /// The memory calls give back, for the next calls.
    let pool = BufferPool()

    /// A network from a checkpoint's tensors.
    ///
    /// Throws `.badFormat` naming the missing, unexpected or mis-shaped tensors if they are not
    /// those of a UniverSeg network, and `.invalidArgument` for a limit below 1.
    public convenience init(checkpoint: Checkpoint, workingMemoryLimit: Int = defaultWorkingMemoryLimit) throws(UVSegError) {
        let architecture = try UniverSegArchitecture(inferringFrom: checkpoint.tensors)
        try self.init(
            architecture: architecture, weights: NetworkWeights(architecture, tensors: checkpoint.tensors),
            workingMemoryLimit: workingMemoryLimit)
    }

    private init(
        architecture: UniverSegArchitecture, weights: NetworkWeights, workingMemoryLimit: Int
    ) throws(UVSegError) {
        guard workingMemoryLimit >= 1 else {
            throw .invalidArgument("the working-memory limit must be at least 1 byte, not \(workingMemoryLimit)")
        }
        self.architecture = architecture
        self.weights = weights
        self.workingMemoryLimit = workingMemoryLimit
    }

    /// The same network with another working-memory limit (a share of one limit, for calls made
    /// side by side); the weights are shared, not copied. Throws `.invalidArgument` below 1 byte.
    public func limitingWorkingMemory(to limit: Int) throws(UVSegError) -> UniverSegNetwork {
        try UniverSegNetwork(architecture: architecture, weights: weights, workingMemoryLimit: limit)
    }

    /// A network from the checkpoint file at `path` (PyTorch `.pt` or safetensors).
    public convenience init(contentsOf path: String, workingMemoryLimit: Int = defaultWorkingMemoryLimit) throws(UVSegError) {
        let checkpoint = try Checkpoint.load(contentsOf: path)
        do {
            try self.init(checkpoint: checkpoint, workingMemoryLimit: workingMemoryLimit)
        } catch {
            throw UVSegError(error.kind, "\(path): \(error.message)")
        }
    }

    /// The number image height and width must be multiples of: 2^(L-1) for L encoder blocks.
    public var sizeMultiple: Int { architecture.sizeMultiple }

    /// The least working memory, in bytes, a call of `shape` on `threads` threads needs (one query
    /// at a time); `Int.max` if it is beyond counting.
    public func minimumWorkingMemory(for shape: PredictionShape, threads: Int = 1) -> Int {
        let bytes = WorkingMemory(architecture: architecture, shape: shape, threadCount: threads).bytes(batchSize: 1).rounded(.up)
        return bytes < Double(Int.max) ? Int(bytes) : Int.max
    }

    /// How many queries share encoder block 0's support work at a time: as many as the limit
    /// (`workingMemoryLimit`, or `limit` when that is less) allows, up to
    /// `maximumQueriesSharingSupportWork`. Throws `.outOfMemory` if not even one fits, and
    /// `.invalidArgument` if one thread's scratch would hold more floats than the kernels'
    /// `int32_t` offsets reach (see `Int32(kernelArgument:)`).
    package func queriesPerBatch(for shape: PredictionShape, threads: Int, limit: Int? = nil) throws(UVSegError) -> Int {
        let memory = WorkingMemory(architecture: architecture, shape: shape, threadCount: threads)
        guard memory.scratchCount <= Int(Int32.max) else {
            throw .invalidArgument(
                "images of \(shape.height) x \(shape.width) pixels are too large for this network's kernels: a band of "
                    + "one convolution would hold \(memory.scratchCount) values, more than \(Int32.max)")
        }
        let available = min(limit ?? workingMemoryLimit, workingMemoryLimit)
        let largest = min(shape.queryCount, Self.maximumQueriesSharingSupportWork)
        for batchSize in stride(from: largest, through: 1, by: -1) where memory.bytes(batchSize: batchSize) <= Double(available) {
            return batchSize
        }
        throw .outOfMemory(
            "segmenting with \(shape.supportCount) support pairs of \(shape.height) x \(shape.width) pixels needs about \(Self.mebibytes(memory.bytes(batchSize: 1))) of working memory, more than the limit of \(Self.mebibytes(Double(available))); use fewer support pairs or smaller images")
    }

    private static func mebibytes(_ bytes: Double) -> String {
        let mebibytes = (bytes / Double(1 << 20)).rounded(.up)
        return mebibytes < 1e15 ? "\(Int(mebibytes)) MiB" : "\(mebibytes) MiB"
    }
}
