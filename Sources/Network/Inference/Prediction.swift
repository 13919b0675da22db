import Diagnostics

extension UniverSegNetwork {
    /// Segments `queryCount` query images with one support set of `supportCount` (image, label)
    /// pairs, writing one logit map per query (probability = sigmoid(logit)).
    ///
    /// Buffers are row-major float32: `queries` and `logits` hold queryCount x height x width
    /// values, `supportImages` and `supportLabels` supportCount x height x width (size them with
    /// `PredictionShape`). Images are expected in [0, 1], labels in [0, 1]; every input value must
    /// be finite. `logits` must not overlap the inputs. All queries share the support set, and the
    /// support set's work in the first block is done once for up to 16 of them: segmenting the
    /// slices of a volume in one call is cheaper than one call per slice.
    ///
    /// The convolutions run on `threads` threads (default: every core); the logits are
    /// bit-identical whatever the thread count. The call sets OpenBLAS to one thread for the
    /// process: uvseg's own threads own the cores.
    ///
    /// Throws `.invalidArgument` for a count below 1, a height or width that is not a positive
    /// multiple of `sizeMultiple`, a thread count outside 1...`maximumThreadCount`, a buffer of
    /// the wrong length, or a NaN or infinite input value (naming the buffer and index);
    /// `.outOfMemory` if the call would need more than `workingMemoryLimit` (or `memoryLimit`, when
    /// that is less) or memory runs out.
    public func predict(
        queries: UnsafeBufferPointer<Float>,
        supportImages: UnsafeBufferPointer<Float>,
        supportLabels: UnsafeBufferPointer<Float>,
        queryCount: Int, supportCount: Int, height: Int, width: Int,
        into logits: UnsafeMutableBufferPointer<Float>, threads: Int = defaultThreadCount, memoryLimit: Int? = nil
    ) throws(UVSegError) {
        let shape = try PredictionShape(queryCount: queryCount, supportCount: supportCount, height: height, width: width)
        try Self.checkThreadCount(threads)
        try shape.checkDivisible(by: sizeMultiple, encoderBlockCount: architecture.encoder.count)
        let queryValues = try Self.checkedBase(queries, "queries", count: shape.queryValueCount, shape: shape)
        let imageValues = try Self.checkedBase(supportImages, "supportImages", count: shape.supportValueCount, shape: shape)
        let labelValues = try Self.checkedBase(supportLabels, "supportLabels", count: shape.supportValueCount, shape: shape)
        let logitValues = try Self.checkedBase(UnsafeBufferPointer(logits), "logits", count: shape.queryValueCount, shape: shape)
        try Self.requireFinite(queries, "queries", shape: shape)
        try Self.requireFinite(supportImages, "supportImages", shape: shape)
        try Self.requireFinite(supportLabels, "supportLabels", shape: shape)

        let batchSize = try queriesPerBatch(for: shape, threads: threads, limit: memoryLimit)
        try pool.whileRunningCall { () throws(UVSegError) in
            try predictBatches(
                queries: queryValues, supportImages: imageValues, supportLabels: labelValues, shape: shape,
                batchSize: batchSize, into: UnsafeMutablePointer(mutating: logitValues), threads: threads)
        }
    }

    /// `predict` on checked buffers, `batchSize` queries at a time. Every buffer of the pass is
    /// given back to the pool when it returns.
    private func predictBatches(
        queries: UnsafePointer<Float>, supportImages: UnsafePointer<Float>, supportLabels: UnsafePointer<Float>,
        shape: PredictionShape, batchSize: Int, into logits: UnsafeMutablePointer<Float>, threads: Int
    ) throws(UVSegError) {
        let pass = try ForwardPass(
            weights: weights, workingMemory: WorkingMemory(architecture: architecture, shape: shape, threadCount: threads),
            pool: pool)
        for batchStart in stride(from: 0, to: shape.queryCount, by: batchSize) {
            let batch = batchStart..<min(batchStart + batchSize, shape.queryCount)
            try pass.predict(
                queries: batch.map { queries + $0 * shape.planeSize },
                supportImages: supportImages, supportLabels: supportLabels,
                logits: batch.map { logits + $0 * shape.planeSize })
        }
    }

    /// `predict` over arrays; returns the queryCount x height x width logits.
    public func predict(
        queries: [Float], supportImages: [Float], supportLabels: [Float],
        queryCount: Int, supportCount: Int, height: Int, width: Int, threads: Int = defaultThreadCount,
        memoryLimit: Int? = nil
    ) throws(UVSegError) -> [Float] {
        let shape = try PredictionShape(queryCount: queryCount, supportCount: supportCount, height: height, width: width)
        guard queries.count == shape.queryValueCount else {
            throw Self.lengthError("queries", count: queries.count, expected: shape.queryValueCount, shape: shape)
        }
        var logits = [Float](repeating: 0, count: shape.queryValueCount)
        let result: Result<Void, UVSegError> = queries.withUnsafeBufferPointer { queries in
            supportImages.withUnsafeBufferPointer { supportImages in
                supportLabels.withUnsafeBufferPointer { supportLabels in
                    logits.withUnsafeMutableBufferPointer { logits in
                        Result { () throws(UVSegError) in
                            try predict(
                                queries: queries, supportImages: supportImages, supportLabels: supportLabels,
                                queryCount: queryCount, supportCount: supportCount, height: height, width: width,
                                into: logits, threads: threads, memoryLimit: memoryLimit)
                        }
                    }
                }
            }
        }
        try result.get()
        return logits
    }

    private static func checkThreadCount(_ threads: Int) throws(UVSegError) {
        guard (1...maximumThreadCount).contains(threads) else {
            throw .invalidArgument("the thread count must be from 1 to \(maximumThreadCount), not \(threads)")
        }
    }

    /// The buffer's first element, once its length is checked against `count`.
    private static func checkedBase(
        _ buffer: UnsafeBufferPointer<Float>, _ name: String, count: Int, shape: PredictionShape
    ) throws(UVSegError) -> UnsafePointer<Float> {
        guard buffer.count == count, let base = buffer.baseAddress else {
            throw lengthError(name, count: buffer.count, expected: count, shape: shape)
        }
        return base
    }

    /// Throws `.invalidArgument` naming the first NaN or infinite value of `buffer` (checked
    /// buffers only): the network would turn it into NaN logits far from where it was.
    private static func requireFinite(
        _ buffer: UnsafeBufferPointer<Float>, _ name: String, shape: PredictionShape
    ) throws(UVSegError) {
        guard let index = buffer.firstIndex(where: { !$0.isFinite }) else { return }
        let (image, pixel) = index.quotientAndRemainder(dividingBy: shape.planeSize)
        throw .invalidArgument(
            "\(name)[\(index)] (image \(image), row \(pixel / shape.width), column \(pixel % shape.width)) is "
                + "\(buffer[index]); every value must be a finite number")
    }

    private static func lengthError(_ name: String, count: Int, expected: Int, shape: PredictionShape) -> UVSegError {
        .invalidArgument(
            "\(name) holds \(count) values, but \(shape.queryCount) queries and \(shape.supportCount) support pairs of \(shape.height) x \(shape.width) pixels need \(expected)")
    }
}
