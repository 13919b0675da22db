import Diagnostics
@testable import Network
import Testing

/// What `predict` refuses, its working-memory limit, and that batching and threads change nothing.
@Suite("Prediction: arguments, memory limit, batching, threads")
struct PredictionArgumentTests {
    static func network(workingMemoryLimit: Int = UniverSegNetwork.defaultWorkingMemoryLimit) throws -> UniverSegNetwork {
        try UniverSegNetwork(
            contentsOf: CheckpointFixtures.path("uneven/weights.safetensors"), workingMemoryLimit: workingMemoryLimit)
    }

    /// `count` images of `height` x `width` with values in [0, 1).
    static func images(_ count: Int, height: Int = 32, width: Int = 40, seed: UInt64) -> [Float] {
        var values = SeededValues(seed: seed)
        return values.values(count * height * width, in: 0..<1)
    }

    static func failure(
        _ network: UniverSegNetwork, queries: Int, support: Int, height: Int, width: Int,
        queryValues: Int? = nil, supportValues: Int? = nil, labelValues: Int? = nil
    ) -> UVSegError? {
        let plane = max(height, 0) * max(width, 0)
        return #expect(throws: UVSegError.self) {
            try network.predict(
                queries: Array(repeating: 0.5, count: queryValues ?? max(queries, 0) * plane),
                supportImages: Array(repeating: 0.5, count: supportValues ?? max(support, 0) * plane),
                supportLabels: Array(repeating: 1, count: labelValues ?? max(support, 0) * plane),
                queryCount: queries, supportCount: support, height: height, width: width)
        }
    }

    @Test("a height or width that is not a multiple of 2^(L-1) is refused with the reason",
          arguments: [(30, 40), (32, 42), (2, 40)])
    func sizeNotDivisible(height: Int, width: Int) throws {
        let error = Self.failure(try Self.network(), queries: 1, support: 1, height: height, width: width)
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("not a multiple of 4") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("3 encoder blocks") == true)
    }

    @Test("zero or negative counts and sizes are refused",
          arguments: [(0, 1, 32, 40, "query images"), (1, 0, 32, 40, "support set"), (2, -1, 32, 40, "support set"),
                      (1, 1, 0, 40, "height and width"), (1, 1, 32, -4, "height and width")])
    func zeroCounts(queries: Int, support: Int, height: Int, width: Int, reason: String) throws {
        let error = Self.failure(try Self.network(), queries: queries, support: support, height: height, width: width)
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test("buffers whose length does not match the counts are refused, naming the buffer")
    func mismatchedBuffers() throws {
        let network = try Self.network()
        let plane = 32 * 40
        let cases: [(UVSegError?, String)] = [
            (Self.failure(network, queries: 2, support: 3, height: 32, width: 40, queryValues: plane), "queries holds 1280"),
            (Self.failure(network, queries: 1, support: 3, height: 32, width: 40, supportValues: 4 * plane), "supportImages holds 5120"),
            (Self.failure(network, queries: 1, support: 3, height: 32, width: 40, labelValues: 0), "supportLabels holds 0"),
        ]
        for (error, reason) in cases {
            #expect(error?.kind == .invalidArgument)
            #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
        }
        var logits = [Float](repeating: 0, count: plane - 1)
        let queries = [Float](repeating: 0, count: plane)
        let error = #expect(throws: UVSegError.self) {
            try queries.withUnsafeBufferPointer { queries in
                try logits.withUnsafeMutableBufferPointer { logits in
                    try network.predict(
                        queries: queries, supportImages: queries, supportLabels: queries,
                        queryCount: 1, supportCount: 1, height: 32, width: 40, into: logits)
                }
            }
        }
        #expect(error?.message.contains("logits holds 1279") == true)
    }

    @Test("sizes whose buffers could not exist are refused before any arithmetic overflows")
    func overflowingSizes() {
        for (queries, height, width) in [(1, Int.max / 2, 4), (Int.max / 32, 8, 8), (1, 1 << 16, 1 << 16)] {
            let error = #expect(throws: UVSegError.self) {
                try PredictionShape(queryCount: queries, supportCount: 1, height: height, width: width)
            }
            #expect(error?.kind == .invalidArgument)
            #expect(error?.message.contains("more than uvseg can address") == true)
        }
    }

    @Test("a call needing more than the working-memory limit is refused up front")
    func memoryLimit() throws {
        let network = try Self.network(workingMemoryLimit: 1 << 20)
        let error = Self.failure(network, queries: 1, support: 16, height: 32, width: 40)
        #expect(error?.kind == .outOfMemory)
        #expect(error?.message.contains("more than the limit of 1 MiB") == true, "\(error?.message ?? "")")

        let big = try PredictionShape(queryCount: 1, supportCount: 1000, height: 4096, width: 4096)
        #expect(try Self.network().minimumWorkingMemory(for: big) > UniverSegNetwork.defaultWorkingMemoryLimit)
        #expect(throws: UVSegError.self) { try Self.network().queriesPerBatch(for: big, threads: 1) }
    }

    @Test("a network limited to a share of memory keeps its weights and batches as one loaded with that limit")
    func limitingWorkingMemory() throws {
        let shape = try PredictionShape(queryCount: 5, supportCount: 3, height: 32, width: 40)
        let shared = try Self.network()
        let oneQuery = shared.minimumWorkingMemory(for: shape)
        let limited = try shared.limitingWorkingMemory(to: oneQuery)
        #expect(limited.workingMemoryLimit == oneQuery && shared.workingMemoryLimit == UniverSegNetwork.defaultWorkingMemoryLimit)
        #expect(try limited.queriesPerBatch(for: shape, threads: 1) == 1)
        func logits(_ network: UniverSegNetwork) throws -> [Float] {
            try network.predict(
                queries: Self.images(5, seed: 1), supportImages: Self.images(3, seed: 2),
                supportLabels: Self.images(3, seed: 3), queryCount: 5, supportCount: 3, height: 32, width: 40, threads: 1)
        }
        #expect(try logits(limited) == logits(try Self.network(workingMemoryLimit: oneQuery)))
        let error = #expect(throws: UVSegError.self) { try shared.limitingWorkingMemory(to: 0) }
        #expect(error?.kind == .invalidArgument)
    }

    @Test("a call's memory limit below the network's lowers the batch, and one too small is refused")
    func callMemoryLimit() throws {
        let network = try Self.network()
        let shape = try PredictionShape(queryCount: 5, supportCount: 3, height: 32, width: 40)
        let oneQuery = network.minimumWorkingMemory(for: shape)
        #expect(try network.queriesPerBatch(for: shape, threads: 1, limit: Int.max) == 5)
        #expect(try network.queriesPerBatch(for: shape, threads: 1, limit: oneQuery) == 1)
        let error = #expect(throws: UVSegError.self) {
            try network.predict(
                queries: Self.images(5, seed: 1), supportImages: Self.images(3, seed: 2),
                supportLabels: Self.images(3, seed: 3), queryCount: 5, supportCount: 3, height: 32, width: 40,
                memoryLimit: oneQuery - 1)
        }
        #expect(error?.kind == .outOfMemory)
    }

    @Test("images whose convolution bands the kernels' int32 offsets cannot reach are refused, whatever the limit")
    func kernelOffsetsStayWithinInt32() throws {
        let network = try Self.network(workingMemoryLimit: Int.max)
        let wide = try PredictionShape(queryCount: 1, supportCount: 1, height: 8, width: 1 << 27)
        let error = #expect(throws: UVSegError.self) { try network.queriesPerBatch(for: wide, threads: 1) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("too large for this network's kernels") == true, "\(error?.message ?? "")")
        #expect(Int32(kernelArgument: Int(Int32.max)) == Int32.max)
    }

    @Test("a NaN or infinite input value is refused, naming the buffer, the index and the pixel",
          arguments: [("queries", 1 * 1280 + 2 * 40 + 5, Float.nan), ("supportImages", 7, Float.infinity),
                      ("supportLabels", 2 * 1280, -Float.infinity)])
    func nonFiniteInputs(buffer: String, index: Int, value: Float) throws {
        var inputs = ["queries": Self.images(2, seed: 1), "supportImages": Self.images(3, seed: 2),
                      "supportLabels": Self.images(3, seed: 3)]
        inputs[buffer]?[index] = value
        let error = #expect(throws: UVSegError.self) {
            try Self.network().predict(
                queries: inputs["queries"] ?? [], supportImages: inputs["supportImages"] ?? [],
                supportLabels: inputs["supportLabels"] ?? [], queryCount: 2, supportCount: 3, height: 32, width: 40)
        }
        let (image, pixel) = index.quotientAndRemainder(dividingBy: 1280)
        #expect(error?.kind == .invalidArgument)
        #expect(
            error?.message.hasPrefix("\(buffer)[\(index)] (image \(image), row \(pixel / 40), column \(pixel % 40)) is \(value)")
                == true, "\(error?.message ?? "")")
    }

    @Test("queries give the same logits, up to rounding, whether they share encoder block 0's work or run one at a time")
    func batchingChangesNothing() throws {
        let (queryCount, supportCount) = (5, 3)
        let queries = Self.images(queryCount, seed: 1)
        let supportImages = Self.images(supportCount, seed: 2)
        let supportLabels = Self.images(supportCount, seed: 3).map { $0 > 0.6 ? Float(1) : 0 }
        let shape = try PredictionShape(queryCount: queryCount, supportCount: supportCount, height: 32, width: 40)

        let shared = try Self.network()
        let oneAtATime = try Self.network(workingMemoryLimit: shared.minimumWorkingMemory(for: shape))
        #expect(try shared.queriesPerBatch(for: shape, threads: 1) == queryCount)
        #expect(try oneAtATime.queriesPerBatch(for: shape, threads: 1) == 1)

        let batched = try shared.predict(
            queries: queries, supportImages: supportImages, supportLabels: supportLabels,
            queryCount: queryCount, supportCount: supportCount, height: 32, width: 40, threads: 1)
        let single = try oneAtATime.predict(
            queries: queries, supportImages: supportImages, supportLabels: supportLabels,
            queryCount: queryCount, supportCount: supportCount, height: 32, width: 40, threads: 1)
        // A batch splits conv(P + V_k, Ws) into shared terms; one query convolves the sum: the two
        // round differently, by far less than the parity tolerance.
        #expect(NetworkParityTests.maximumDifference(batched, single) <= 1e-5)
        let plane = 32 * 40
        let third = try shared.predict(
            queries: Array(queries[(2 * plane)..<(3 * plane)]), supportImages: supportImages, supportLabels: supportLabels,
            queryCount: 1, supportCount: supportCount, height: 32, width: 40)
        #expect(NetworkParityTests.maximumDifference(Array(batched[(2 * plane)..<(3 * plane)]), third) <= 1e-5)
    }

    @Test("one network predicts from many threads at once with the results of one thread")
    func concurrentPredictions() async throws {
        let network = try Self.network()
        let supportImages = Self.images(4, seed: 5)
        let supportLabels = Self.images(4, seed: 6).map { $0 > 0.5 ? Float(1) : 0 }
        let queries = (0..<8).map { Self.images(1, seed: 10 + UInt64($0)) }
        let serial = try queries.map { query in
            try network.predict(
                queries: query, supportImages: supportImages, supportLabels: supportLabels,
                queryCount: 1, supportCount: 4, height: 32, width: 40)
        }
        let concurrent = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (index, query) in queries.enumerated() {
                group.addTask {
                    (index, try network.predict(
                        queries: query, supportImages: supportImages, supportLabels: supportLabels,
                        queryCount: 1, supportCount: 4, height: 32, width: 40))
                }
            }
            var results = [[Float]](repeating: [], count: queries.count)
            for try await (index, logits) in group {
                results[index] = logits
            }
            return results
        }
        #expect(concurrent == serial)
    }
}
