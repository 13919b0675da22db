/// 2x bilinear upsampling with align_corners = true: output index i samples input coordinate
/// i x (n_in - 1) / (n_out - 1), so the corner pixels of input and output coincide.
enum BilinearUpsample {
    /// Writes the upsampled `input` into `output`, which is channels x 2h x 2w.
    static func upsample(_ input: FeatureMap, into output: FeatureMap, workers: ConvolutionWorkers) {
        let rows = AxisSamples(inputCount: input.height, outputCount: output.height)
        let columns = AxisSamples(inputCount: input.width, outputCount: output.width)
        let minimumChannels = ConvolutionWorkers.elementwisePart / max(output.planeSize, 1)
        workers.forEachPart(of: input.channels, minimumPart: minimumChannels) { channels in
            // Each input row interpolated across once, for the two output rows or more that read it.
            var across = [Float](repeating: 0, count: input.height * output.width)
            across.withUnsafeMutableBufferPointer { across in
                guard let across = across.baseAddress else { return }
                for channel in channels {
                    upsample(
                        input.values + channel * input.planeSize, into: output.values + channel * output.planeSize,
                        inputHeight: input.height, inputWidth: input.width, outputWidth: output.width,
                        rows: rows, columns: columns, across: across)
                }
            }
        }
    }

    /// One plane, in PyTorch's order of operations: across each row (left and right neighbours),
    /// then down (upper and lower rows).
    private static func upsample(
        _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>,
        inputHeight: Int, inputWidth: Int, outputWidth: Int, rows: AxisSamples, columns: AxisSamples,
        across: UnsafeMutablePointer<Float>
    ) {
        columns.withSamples { left, right, leftWeight, rightWeight in
            for row in 0..<inputHeight {
                let (sourceRow, acrossRow) = (source + row * inputWidth, across + row * outputWidth)
                for column in 0..<outputWidth {
                    acrossRow[column] = leftWeight[column] * sourceRow[left[column]] + rightWeight[column] * sourceRow[right[column]]
                }
            }
        }
        rows.withSamples { upper, lower, upperWeight, lowerWeight in
            for row in 0..<rows.count {
                let (top, bottom) = (across + upper[row] * outputWidth, across + lower[row] * outputWidth)
                let (topWeight, bottomWeight) = (upperWeight[row], lowerWeight[row])
                let targetRow = target + row * outputWidth
                for column in 0..<outputWidth {
                    targetRow[column] = topWeight * top[column] + bottomWeight * bottom[column]
                }
            }
        }
    }

    /// For each output index along one axis: the two input indices around its source coordinate
    /// and their weights, computed in float32 as PyTorch does.
    private struct AxisSamples {
        private var first: [Int] = []
        private var second: [Int] = []
        private var firstWeight: [Float] = []
        private var secondWeight: [Float] = []

        init(inputCount: Int, outputCount: Int) {
            let scale: Float = outputCount > 1 ? Float(inputCount - 1) / Float(outputCount - 1) : 0
            for index in 0..<outputCount {
                let coordinate = scale * Float(index)
                let lower = min(Int(coordinate), inputCount - 1)
                let fraction = min(max(coordinate - Float(lower), 0), 1)
                first.append(lower)
                second.append(lower < inputCount - 1 ? lower + 1 : lower)
                firstWeight.append(1 - fraction)
                secondWeight.append(fraction)
            }
        }

        var count: Int { first.count }

        /// Calls `body` with the indices and weights as buffers, free of per-element checks.
        func withSamples(
            _ body: (UnsafePointer<Int>, UnsafePointer<Int>, UnsafePointer<Float>, UnsafePointer<Float>) -> Void
        ) {
            first.withUnsafeBufferPointer { first in
                second.withUnsafeBufferPointer { second in
                    firstWeight.withUnsafeBufferPointer { firstWeight in
                        secondWeight.withUnsafeBufferPointer { secondWeight in
                            guard let first = first.baseAddress, let second = second.baseAddress,
                                  let firstWeight = firstWeight.baseAddress, let secondWeight = secondWeight.baseAddress
                            else { return }
                            body(first, second, firstWeight, secondWeight)
                        }
                    }
                }
            }
        }
    }
}
