@testable import Network
import Testing

/// F(4 x 4, 3 x 3) convolutions and their epilogues against a direct sum in double precision, on
/// sizes that leave partial tiles, partial groups of four tiles and several bands.
@Suite("Kernels: Winograd convolution")
struct WinogradConvolutionTests {
    /// A random convolution problem: two input slabs, weights, bias.
    struct Problem {
        let inputs: [FeatureMap]
        let kernel: ConvolutionKernel
        let bias: [Float]
        let height: Int
        let width: Int

        init(inputChannels: (Int, Int), outputChannels: Int, height: Int, width: Int, seed: UInt64) throws {
            var seeded = SeededValues(seed: seed)
            let total = inputChannels.0 + inputChannels.1
            inputs = try [inputChannels.0, inputChannels.1].map { channels in
                let map = try FeatureMap(channels: channels, height: height, width: width)
                map.values.update(from: seeded.values(map.count, in: -1..<1), count: map.count)
                return map
            }
            let weights = seeded.values(outputChannels * total * 9, in: -0.5..<0.5)
            kernel = try ConvolutionKernel(CheckpointTensor(shape: [outputChannels, total, 3, 3], values: weights), name: "w")
            bias = seeded.values(outputChannels, in: -1..<1)
            self.height = height
            self.width = width
        }

        /// conv(concat(inputs), kernel) + bias, summed in double precision tap by tap.
        func direct() -> [Double] {
            let input = inputs.flatMap { Array(UnsafeBufferPointer(start: $0.values, count: $0.count)) }
            let channels = kernel.inputChannels
            var result: [Double] = []
            for o in 0..<kernel.outputChannels {
                for row in 0..<height {
                    for column in 0..<width {
                        var sum = Double(bias[o])
                        for c in 0..<channels {
                            for dy in -1...1 {
                                for dx in -1...1 where (0..<height).contains(row + dy) && (0..<width).contains(column + dx) {
                                    sum += Double(kernel.weights[((o * channels + c) * 3 + dy + 1) * 3 + dx + 1])
                                        * Double(input[(c * height + row + dy) * width + column + dx])
                                }
                            }
                        }
                        result.append(sum)
                    }
                }
            }
            return result
        }

        /// The kernel applied with `epilogue` on `threads` threads, with the CPU's widest kernels or
        /// the baseline ones.
        func winograd(epilogue: ConvolutionEpilogue = .store, threads: Int, wide: Bool = true) throws -> [Float] {
            let output = try FeatureMap(channels: kernel.outputChannels, height: height, width: width)
            let workers = try ConvolutionWorkers(
                threadCount: threads, scratchCount: kernel.minimumScratchCount(height: height, width: width), wideKernels: wide)
            kernel.apply(
                to: inputs.map(\.slab), height: height, width: width, bias: bias, into: output.values,
                epilogue: epilogue, workers: workers)
            return Array(UnsafeBufferPointer(start: output.values, count: output.count))
        }
    }

    static func largestDifference(_ a: [Float], _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) }.max() ?? .infinity
    }

    @Test("3 x 3 kernels with 8 or more input channels take the Winograd form, thinner ones im2col")
    func selection() throws {
        #expect(try Problem(inputChannels: (3, 5), outputChannels: 2, height: 4, width: 4, seed: 1).kernel.winograd != nil)
        #expect(try Problem(inputChannels: (3, 4), outputChannels: 2, height: 4, width: 4, seed: 1).kernel.winograd == nil)
    }

    @Test("equals the direct convolution on whole and partial tiles, one band or several, both kernel sets",
          arguments: [(1, 1), (2, 3), (4, 4), (5, 7), (13, 9), (16, 16), (30, 70), (64, 20)], [false, true])
    func matchesDirect(size: (Int, Int), wide: Bool) throws {
        // 13 output channels: two panels of six rows and one of one in the matrix product.
        let problem = try Problem(inputChannels: (5, 6), outputChannels: 13, height: size.0, width: size.1, seed: 21)
        let difference = Self.largestDifference(try problem.winograd(threads: 2, wide: wide), problem.direct())
        #expect(difference < 2e-5)
    }

    @Test("results are bit-identical on 1, 2 and 3 threads")
    func threadCounts() throws {
        let problem = try Problem(inputChannels: (8, 4), outputChannels: 5, height: 40, width: 56, seed: 22)
        let one = try problem.winograd(threads: 1)
        #expect(try problem.winograd(threads: 2) == one)
        #expect(try problem.winograd(threads: 3) == one)
    }

    @Test("epilogues: LeakyReLU, summing, summing onto a base, summing activated, each as the separate step would",
          arguments: [(11, 21), (8, 64)], [false, true])
    func epilogues(size: (Int, Int), wide: Bool) throws {
        let problem = try Problem(inputChannels: (9, 0), outputChannels: 3, height: size.0, width: size.1, seed: 23)
        let plain = try problem.winograd(threads: 2, wide: wide)
        #expect(try problem.winograd(epilogue: .leakyReLU, threads: 2, wide: wide) == plain.map(LeakyReLU.activate))

        var seeded = SeededValues(seed: 24)
        let initial = seeded.values(plain.count, in: -1..<1)
        let base = seeded.values(plain.count, in: -1..<1)
        var sum = initial
        let summed = try sum.withUnsafeMutableBufferPointer { sum in
            try problem.winograd(epilogue: .summing(into: sum.baseAddress!), threads: 2, wide: wide)
        }
        #expect(summed == plain)
        #expect(sum == zip(initial, plain).map { $0 + $1 })

        sum = initial
        let onBase = try base.withUnsafeBufferPointer { base in
            try sum.withUnsafeMutableBufferPointer { sum in
                try problem.winograd(epilogue: .summingWithBase(base.baseAddress!, into: sum.baseAddress!), threads: 2, wide: wide)
            }
        }
        #expect(onBase == zip(base, plain).map { $0 + $1 })
        #expect(sum == zip(initial, plain).map { $0 + $1 })

        // Only the sum is written: the output map keeps its zeros.
        sum = initial
        let activatedSum = try sum.withUnsafeMutableBufferPointer { sum in
            try problem.winograd(epilogue: .activatedSumming(into: sum.baseAddress!), threads: 2, wide: wide)
        }
        #expect(activatedSum.allSatisfy { $0 == 0 })
        #expect(sum == zip(initial, plain).map { $0 + LeakyReLU.activate($1) })
    }

    @Test("pooled outputs: activated, 2 x 2 max-pooled and summed as LeakyReLU, MaxPool and a sum would",
          arguments: [(6, 20), (4, 32)], [false, true])
    func pooledOutputs(size: (Int, Int), wide: Bool) throws {
        let (height, width, channels) = (size.0, size.1, 3)
        var seeded = SeededValues(seed: 26)
        let maps = try (0..<3).map { _ in
            let map = try FeatureMap(channels: channels, height: height, width: width)
            map.values.update(from: seeded.values(map.count, in: -1..<1), count: map.count)
            return map
        }
        let workers = try ConvolutionWorkers(threadCount: 2, scratchCount: 0, wideKernels: wide)
        let collector = try PooledOutputCollector(channels: channels, height: height, width: width, workers: workers)
        let part = collector.makePart()
        try part.begin(group: 0)
        try part.receive(preActivation: maps[0], plus: maps[1], workers: workers)
        try part.receive(preActivation: maps[2], plus: nil, workers: workers)
        part.commit(workers: workers)

        let values = { (map: FeatureMap) in Array(UnsafeBufferPointer(start: map.values, count: map.count)) }
        let first = zip(values(maps[0]), values(maps[1])).map { LeakyReLU.activate($0 + $1) }
        let second = values(maps[2]).map(LeakyReLU.activate)
        let pooled = try [first, second].map { activated in
            let map = try FeatureMap(channels: channels, height: height, width: width)
            map.values.update(from: activated, count: activated.count)
            return values(try MaxPool.pooled(map, workers: workers))
        }
        #expect(collector.members.takeMaps().map(values) == pooled)
        #expect(values(collector.mean.mean()) == zip(first, second).map { ($0 + $1) * 0.5 })
    }
}
