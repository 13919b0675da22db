import CKernels

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
    /// 2 inputHeight x 2 inputWidth) in PyTorch's order of operations: across each row, then down;
    /// `workers`' scratch holds `scratchCount` floats per thread, each input row interpolated
    /// across once there for the output rows that read it.
    func apply(_ input: FeatureMap, into output: FeatureMap, workers: ConvolutionWorkers) {
        let minimumChannels = ConvolutionWorkers.elementwisePart / max(output.planeSize, 1)
        let kernels = workers.kernels.pointee
        columns.withSamples { columns in
            rows.withSamples { rows in
                workers.forEachPart(of: input.channels, minimumPart: minimumChannels) { channels, scratch in
                    for channel in channels {
                        kernels.upsample_plane(
                            input.values + channel * input.planeSize,
                            Int32(kernelArgument: inputHeight), Int32(kernelArgument: inputWidth),
                            columns, rows, scratch.values, output.values + channel * output.planeSize)
                    }
                }
            }
        }
    }

    /// For each output index along one axis: the two input indices around its source coordinate
    /// and their weights, computed in float32 as PyTorch does.
    private struct AxisSamples {
        private var first: [Int32] = []
        private var second: [Int32] = []
        private var firstWeight: [Float] = []
        private var secondWeight: [Float] = []

        init(inputCount: Int, outputCount: Int) {
            let scale: Float = outputCount > 1 ? Float(inputCount - 1) / Float(outputCount - 1) : 0
            for index in 0..<outputCount {
                let coordinate = scale * Float(index)
                let lower = min(Int(coordinate), inputCount - 1)
                let fraction = min(max(coordinate - Float(lower), 0), 1)
                first.append(Int32(kernelArgument: lower))
                second.append(Int32(kernelArgument: lower < inputCount - 1 ? lower + 1 : lower))
                firstWeight.append(1 - fraction)
                secondWeight.append(fraction)
            }
        }

        /// Calls `body` with the samples as CKernels takes them, valid during the call.
        func withSamples(_ body: (uvseg_axis_samples) -> Void) {
            first.withUnsafeBufferPointer { first in
                second.withUnsafeBufferPointer { second in
                    firstWeight.withUnsafeBufferPointer { firstWeight in
                        secondWeight.withUnsafeBufferPointer { secondWeight in
                            body(uvseg_axis_samples(
                                first: first.baseAddress, second: second.baseAddress,
                                first_weight: firstWeight.baseAddress, second_weight: secondWeight.baseAddress))
                        }
                    }
                }
            }
        }
    }
}
