import Diagnostics
import Network

/// The UniverSeg network as the workflow's model, at the input size its checkpoint declares.
public struct UniverSegModel: InContextModel, Sendable {
    /// The checkpoint metadata key that declares the square input size a model was trained at.
    public static let inputSizeKey = "uvseg.input_size"
    /// The input size of checkpoints that declare none (the published model's).
    public static let standardInputSize = 128

    public private(set) var network: UniverSegNetwork
    public let inputSize: Int
    /// Threads of each prediction (default: every core); the logits do not depend on it.
    public private(set) var threads = UniverSegNetwork.defaultThreadCount
    /// The most threads a prediction takes.
    public static let maximumThreadCount = UniverSegNetwork.maximumThreadCount
    /// The threads a prediction takes when none are asked for: every core available.
    public static var defaultThreadCount: Int { UniverSegNetwork.defaultThreadCount }
    /// Slice sides must be multiples of this (2 to the power of the network's depth).
    public var sizeMultiple: Int { network.sizeMultiple }
    /// What the checkpoint's metadata says of the model (`uvseg.model`, `uvseg.version`, ...);
    /// empty for a network made in memory.
    public private(set) var metadata: [String: String] = [:]

    /// The network of `checkpoint`, at the input size it declares (`inputSizeKey`), else
    /// `standardInputSize`. Throws the network's errors, and `.badFormat` for a declared size that
    /// `init(network:inputSize:)` would refuse.
    public init(checkpoint: Checkpoint) throws(UVSegError) {
        let network = try UniverSegNetwork(checkpoint: checkpoint)
        if let declared = checkpoint.metadata[Self.inputSizeKey] {
            do {
                try self.init(network: network, inputSize: Int(declared) ?? 0)
            } catch {
                throw .badFormat("the checkpoint declares \(Self.inputSizeKey) = \"\(declared)\": \(error.message)")
            }
        } else {
            try self.init(network: network, inputSize: Self.standardInputSize)
        }
        metadata = checkpoint.metadata
    }

    /// `network` at `inputSize`; throws `.invalidArgument` unless the size is from 1 to
    /// `VolumeSegmenter.largestInputSize` and a multiple of the network's `sizeMultiple`.
    public init(network: UniverSegNetwork, inputSize: Int) throws(UVSegError) {
        guard (1...VolumeSegmenter.largestInputSize).contains(inputSize), inputSize % network.sizeMultiple == 0 else {
            throw .invalidArgument(
                "the input size must be a whole number from 1 to \(VolumeSegmenter.largestInputSize) and a multiple "
                    + "of \(network.sizeMultiple) for this network, got \(inputSize)")
        }
        self.network = network
        self.inputSize = inputSize
    }

    public func configured(inputSize: Int?, threads: Int) throws(UVSegError) -> any InContextModel {
        guard (0...Self.maximumThreadCount).contains(threads) else {
            throw .invalidArgument("threads must be from 1 to \(Self.maximumThreadCount), or 0 for every core, got \(threads)")
        }
        var model = self
        if let inputSize, inputSize != self.inputSize {
            model = try UniverSegModel(network: network, inputSize: inputSize)
            model.metadata = metadata
        }
        model.threads = Self.threadCount(threads)
        return model
    }

    /// Logits of query images of any size that is a multiple of `sizeMultiple`, from one support
    /// set, on `threads` threads (0: every core); see `UniverSegNetwork.predict`.
    public func predict(
        queries: UnsafeBufferPointer<Float>, supportImages: UnsafeBufferPointer<Float>,
        supportLabels: UnsafeBufferPointer<Float>, queryCount: Int, supportCount: Int, height: Int, width: Int,
        threads: Int, into logits: UnsafeMutableBufferPointer<Float>
    ) throws(UVSegError) {
        try network.predict(
            queries: queries, supportImages: supportImages, supportLabels: supportLabels, queryCount: queryCount,
            supportCount: supportCount, height: height, width: width, into: logits,
            threads: Self.threadCount(threads))
    }

    /// `threads`, with 0 meaning every core.
    private static func threadCount(_ threads: Int) -> Int {
        threads == 0 ? UniverSegNetwork.defaultThreadCount : threads
    }

    /// The network's working-memory limit.
    public var memoryLimit: Int { network.workingMemoryLimit }

    /// This model with `memoryLimit` set to `bytes` (a share of the limit, for segmentations run
    /// side by side); throws `.invalidArgument` below 1 byte.
    public func limitingMemory(to bytes: Int) throws(UVSegError) -> UniverSegModel {
        var model = self
        model.network = try network.limitingWorkingMemory(to: bytes)
        return model
    }

    /// This model and `options` for one of `jobs` segmentations run side by side: each gets its
    /// share of the threads (at least one) and of the memory limit, so that together they keep
    /// within the bounds of one; throws `.invalidArgument` for `jobs` below 1.
    public func shared(among jobs: Int, options: inout SegmentationOptions) throws(UVSegError) -> UniverSegModel {
        guard jobs >= 1 else { throw .invalidArgument("the number of jobs must be at least 1, got \(jobs)") }
        options.threads = max(1, Self.threadCount(options.threads) / jobs)
        return try limitingMemory(to: memoryLimit / jobs)
    }

    public func minimumWorkingMemory(supportCount: Int) -> Int {
        guard let shape = try? PredictionShape(
            queryCount: 1, supportCount: supportCount, height: inputSize, width: inputSize)
        else { return Int.max }
        return network.minimumWorkingMemory(for: shape, threads: threads)
    }

    public func logits(
        queries: [Float], queryCount: Int, supportImages: [Float], supportLabels: [Float], supportCount: Int,
        memoryLimit: Int
    ) throws(UVSegError) -> [Float] {
        try network.predict(
            queries: queries, supportImages: supportImages, supportLabels: supportLabels,
            queryCount: queryCount, supportCount: supportCount, height: inputSize, width: inputSize, threads: threads,
            memoryLimit: memoryLimit)
    }
}
