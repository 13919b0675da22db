/// 2x bilinear upsampling with align_corners = true: output index i samples input coordinate
/// i x (n_in - 1) / (n_out - 1), so the corner pixels of input and output coincide.
enum BilinearUpsample {
    /// Writes the upsampled `input` into `output`, which is channels x 2h x 2w.
    static func upsample(_ input: FeatureMap, into output: FeatureMap, workers: ConvolutionWorkers) {
        let rows = AxisSamples(inputCount: input.height, outputCount: output.height)
        let columns = AxisSamples(inputCount: input.width, outputCount: output.width)
        let minimumChannels = ConvolutionWorkers.elementwisePart / max(output.planeSize, 1)
        workers.forEachPart(of: input.channels, minimumPart: minimumChannels) { channels in
            upsample(input, into: output, channels: channels, rows: rows, columns: columns)
        }
    }

    private static func upsample(_ input: FeatureMap, into output: FeatureMap, channels: Range<Int>, rows: AxisSamples, columns: AxisSamples) {
        for channel in channels {
            let source = input.values + channel * input.planeSize
            let target = output.values + channel * output.planeSize
            for row in 0..<output.height {
                let upper = source + rows.lower[row] * input.width
                let lower = source + rows.upper[row] * input.width
                let (rowWeightLower, rowWeightUpper) = (1 - rows.fraction[row], rows.fraction[row])
                let targetRow = target + row * output.width
                for column in 0..<output.width {
                    let left = columns.lower[column]
                    let right = columns.upper[column]
                    let (weightLeft, weightRight) = (1 - columns.fraction[column], columns.fraction[column])
                    let top = weightLeft * upper[left] + weightRight * upper[right]
                    let bottom = weightLeft * lower[left] + weightRight * lower[right]
                    targetRow[column] = rowWeightLower * top + rowWeightUpper * bottom
                }
            }
        }
    }

    /// For each output index along one axis: the two input indices around its source coordinate
    /// and the weight of the second, computed in float32 as PyTorch does.
    private struct AxisSamples {
        var lower: [Int] = []
        var upper: [Int] = []
        var fraction: [Float] = []

        init(inputCount: Int, outputCount: Int) {
            let scale: Float = outputCount > 1 ? Float(inputCount - 1) / Float(outputCount - 1) : 0
            for index in 0..<outputCount {
                let coordinate = scale * Float(index)
                let first = min(Int(coordinate), inputCount - 1)
                lower.append(first)
                upper.append(first < inputCount - 1 ? first + 1 : first)
                fraction.append(min(max(coordinate - Float(first), 0), 1))
            }
        }
    }
}
