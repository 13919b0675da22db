/// 2x bilinear upsampling with align_corners = true: output index i samples input coordinate
/// i x (n_in - 1) / (n_out - 1), so the corner pixels of input and output coincide.
///
/// For maps of one size: the sample positions and weights are computed once, for every map of a
/// block's members.
struct BilinearUpsampling {
    let inputHeight: Int
    let inputWidth: Int
    private let rows: AxisSamples
    private let columns: AxisSamples

    init(inputHeight: Int, inputWidth: Int) {
        (self.inputHeight, self.inputWidth) = (inputHeight, inputWidth)
        rows = AxisSamples(inputCount: inputHeight, outputCount: 2 * inputHeight)
        columns = AxisSamples(inputCount: inputWidth, outputCount: 2 * inputWidth)
    }

    /// Scratch floats per thread `apply` needs: each input row interpolated across.
    var scratchCount: Int { inputHeight * 2 * inputWidth }

    /// Writes the upsampled `input` (channels x inputHeight x inputWidth) into `output` (channels x
    /// 2 inputHeight x 2 inputWidth); `workers`' scratch holds `scratchCount` floats per thread.
    func apply(_ input: FeatureMap, into output: FeatureMap, workers: ConvolutionWorkers) {
        let minimumChannels = ConvolutionWorkers.elementwisePart / max(output.planeSize, 1)
        workers.forEachPart(of: input.channels, minimumPart: minimumChannels) { channels, scratch in
            for channel in channels {
                upsample(
                    input.values + channel * input.planeSize, into: output.values + channel * output.planeSize,
                    across: scratch.values)
            }
        }
    }

    /// One plane, in PyTorch's order of operations: across each row (left and right neighbours),
    /// then down (upper and lower rows). Each input row is interpolated across once, into
    /// `across`, for the two output rows or more that read it.
    private func upsample(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, across: UnsafeMutablePointer<Float>) {
        let outputWidth = 2 * inputWidth
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
