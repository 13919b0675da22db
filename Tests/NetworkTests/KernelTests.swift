@testable import Network
import Testing

/// The small kernels on cases whose answers are known in closed form.
@Suite("Kernels: upsampling, pooling, convolution bands")
struct KernelTests {
    static func map(channels: Int, height: Int, width: Int, _ values: [Float]) throws -> FeatureMap {
        let map = try FeatureMap(channels: channels, height: height, width: width)
        map.values.update(from: values, count: values.count)
        return map
    }

    static func values(_ map: FeatureMap) -> [Float] {
        Array(UnsafeBufferPointer(start: map.values, count: map.count))
    }

    @Test("align_corners upsampling of a ramp is the finer ramp: corners coincide")
    func bilinearRamp() throws {
        // value = 3 row + column on 2 x 3 -> 4 x 6: output (r, c) samples row r/3 and column 2c/5.
        let ramp = try Self.map(channels: 1, height: 2, width: 3, [0, 1, 2, 3, 4, 5])
        let output = try FeatureMap(channels: 1, height: 4, width: 6)
        let upsampling = BilinearUpsampling(inputHeight: 2, inputWidth: 3)
        upsampling.apply(ramp, into: output, workers: try ConvolutionWorkers(threadCount: 1, scratchCount: upsampling.scratchCount))
        var expected: [Float] = []
        for row in 0..<4 {
            for column in 0..<6 {
                let sourceRow = Float(row) / 3
                let sourceColumn = Float(2 * column) / 5
                expected.append(3 * sourceRow + sourceColumn)
            }
        }
        #expect(zip(Self.values(output), expected).allSatisfy { abs($0 - $1) <= 1e-6 })
    }

    @Test("a 1 x 1 map upsamples to a constant 2 x 2")
    func bilinearSinglePixel() throws {
        let output = try FeatureMap(channels: 2, height: 2, width: 2)
        let upsampling = BilinearUpsampling(inputHeight: 1, inputWidth: 1)
        upsampling.apply(
            try Self.map(channels: 2, height: 1, width: 1, [7, -1]), into: output,
            workers: try ConvolutionWorkers(threadCount: 2, scratchCount: upsampling.scratchCount))
        #expect(Self.values(output) == [7, 7, 7, 7, -1, -1, -1, -1])
    }

    @Test("upsampling random maps follows the align_corners definition, the same in both kernel variants",
          arguments: [(3, 5), (4, 8), (7, 13), (16, 64)])
    func bilinearRandom(size: (Int, Int)) throws {
        let (height, width, channels) = (size.0, size.1, 2)
        var seeded = SeededValues(seed: 31)
        let input = try Self.map(channels: channels, height: height, width: width, seeded.values(channels * height * width, in: -1..<1))
        let upsampling = BilinearUpsampling(inputHeight: height, inputWidth: width)
        let outputs = try [true, false].map { wide in
            let output = try FeatureMap(channels: channels, height: 2 * height, width: 2 * width)
            upsampling.apply(
                input, into: output,
                workers: try ConvolutionWorkers(threadCount: 1, scratchCount: upsampling.scratchCount, wideKernels: wide))
            return Self.values(output)
        }
        #expect(outputs[0] == outputs[1])

        // Output index i samples input coordinate i (n - 1) / (2n - 1), in double precision.
        func source(_ index: Int, _ count: Int) -> (Int, Int, Double) {
            let coordinate = Double(index) * Double(count - 1) / Double(2 * count - 1)
            let lower = Int(coordinate.rounded(.down))
            return (lower, min(lower + 1, count - 1), coordinate - Double(lower))
        }
        let values = Self.values(input)
        var largest = 0.0
        for channel in 0..<channels {
            for row in 0..<(2 * height) {
                let (top, bottom, dy) = source(row, height)
                for column in 0..<(2 * width) {
                    let (left, right, dx) = source(column, width)
                    let at = { (y: Int, x: Int) in Double(values[(channel * height + y) * width + x]) }
                    let upper = (1 - dx) * at(top, left) + dx * at(top, right)
                    let lower = (1 - dx) * at(bottom, left) + dx * at(bottom, right)
                    let expected = (1 - dy) * upper + dy * lower
                    largest = max(largest, abs(Double(outputs[0][(channel * 2 * height + row) * 2 * width + column]) - expected))
                }
            }
        }
        // The engine computes sample coordinates in float32, as PyTorch does: off by up to a few
        // ulps of the coordinate, times the map's slope.
        #expect(largest <= 1e-5)
    }

    @Test("2 x 2 max-pooling keeps each block's maximum, negative values included")
    func maxPool() throws {
        let input = try Self.map(channels: 1, height: 2, width: 4, [-5, -3, 1, 2, -4, -6, 4, 3])
        #expect(Self.values(try MaxPool.pooled(input, workers: try ConvolutionWorkers(threadCount: 1, scratchCount: 0))) == [-3, 4])
    }

    @Test("a 3 x 3 convolution computed in one-row bands equals the direct sum, borders zero-padded")
    func convolutionBands() throws {
        var seeded = SeededValues(seed: 11)
        // Wider than half a band (ConvolutionWorkers.bandPixels): one-row bands, five of them.
        let (inputs, outputs, height, width) = (3, 2, 5, 300)
        let weights = seeded.values(outputs * inputs * 9, in: -1..<1)
        let bias = seeded.values(outputs, in: -1..<1)
        let first = try Self.map(channels: 1, height: height, width: width, seeded.values(height * width, in: -1..<1))
        let rest = try Self.map(channels: 2, height: height, width: width, seeded.values(2 * height * width, in: -1..<1))
        let kernel = try ConvolutionKernel(CheckpointTensor(shape: [outputs, inputs, 3, 3], values: weights), name: "w")
        let output = try FeatureMap(channels: outputs, height: height, width: width)
        #expect(ConvolutionWorkers.rowsPerBand(width: width) == 1)
        let workers = try ConvolutionWorkers(threadCount: 2, scratchCount: kernel.minimumScratchCount(height: height, width: width))
        kernel.apply(to: [first.slab, rest.slab], height: height, width: width, bias: bias, into: output.values, workers: workers)

        let input = Self.values(first) + Self.values(rest)
        var expected: [Float] = []
        for o in 0..<outputs {
            for row in 0..<height {
                for column in 0..<width {
                    var sum = bias[o]
                    for c in 0..<inputs {
                        for dy in -1...1 {
                            for dx in -1...1 where (0..<height).contains(row + dy) && (0..<width).contains(column + dx) {
                                sum += weights[((o * inputs + c) * 3 + dy + 1) * 3 + dx + 1]
                                    * input[(c * height + row + dy) * width + column + dx]
                            }
                        }
                    }
                    expected.append(sum)
                }
            }
        }
        #expect(zip(Self.values(output), expected).allSatisfy { abs($0 - $1) <= 1e-5 })
    }

    /// Images 200 and 130 wide take several bands: 2 and 4 rows each (the last one 1 row). Two
    /// members go through one call, band by band.
    @Test("a composed convolution equals two 3 x 3 convolutions, border ring included",
          arguments: [(6, 7), (2, 5), (3, 3), (9, 4), (12, 2), (6, 200), (5, 130)])
    func composedConvolution(size: (Int, Int)) throws {
        var seeded = SeededValues(seed: 12)
        let (inputs, middle, outputs) = (2, 4, 3)
        let (height, width) = size
        let inner = try ConvolutionKernel(
            CheckpointTensor(shape: [middle, inputs, 3, 3], values: seeded.values(middle * inputs * 9, in: -1..<1)), name: "inner")
        let outer = try ConvolutionKernel(
            CheckpointTensor(shape: [outputs, middle, 3, 3], values: seeded.values(outputs * middle * 9, in: -1..<1)), name: "outer")
        let members = try (0..<2).map { _ in
            try Self.map(channels: inputs, height: height, width: width, seeded.values(inputs * height * width, in: -1..<1))
        }
        let composed = ComposedConvolution(outer: outer, inner: inner)
        let scratchCount = max(
            inner.minimumScratchCount(height: height, width: width),
            composed.kernel.minimumScratchCount(height: height, width: width),
            ComposedConvolution.scratchCount(inputChannels: inputs, outputChannels: outputs, height: height, width: width))
        let workers = try ConvolutionWorkers(threadCount: 2, scratchCount: scratchCount)

        let twoStep = try members.map { input in
            let intermediate = try FeatureMap(channels: middle, height: height, width: width)
            inner.apply(to: [input.slab], height: height, width: width, bias: nil, into: intermediate.values, workers: workers)
            let output = try FeatureMap(channels: outputs, height: height, width: width)
            outer.apply(to: [intermediate.slab], height: height, width: width, bias: nil, into: output.values, workers: workers)
            return output
        }

        // The bare 5 x 5 kernel differs on the border: the two-step form zero-pads the intermediate.
        let bare = try FeatureMap(channels: outputs, height: height, width: width)
        composed.kernel.apply(to: [members[0].slab], height: height, width: width, bias: nil, into: bare.values, workers: workers)
        let bareDifference = zip(Self.values(bare), Self.values(twoStep[0])).map { abs($0 - $1) }.max() ?? 0
        #expect(bareDifference > 1e-3)

        // Band by band, on two threads: each member's band copied into place.
        let oneStep = try members.map { _ in try FeatureMap(channels: outputs, height: height, width: width) }
        // The slabs point into the members' storage: it must outlive the call.
        withExtendedLifetime(members) {
            composed.forEachBand(of: members.map { [$0.slab] }, height: height, width: width, workers: workers) {
                member, rows, values, channelStride in
                for channel in 0..<outputs {
                    (oneStep[member].values + channel * height * width + rows.lowerBound * width)
                        .update(from: values + channel * channelStride, count: rows.count * width)
                }
            }
        }
        for (computed, expected) in zip(oneStep, twoStep) {
            let remaining = zip(Self.values(computed), Self.values(expected)).map { abs($0 - $1) }.max() ?? 0
            #expect(remaining < 1e-5)
        }
    }
}
