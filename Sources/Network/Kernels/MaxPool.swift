import Diagnostics

/// 2 x 2 max-pooling with stride 2 (height and width are even).
enum MaxPool {
    static func pooled(_ input: FeatureMap, workers: ConvolutionWorkers) throws(UVSegError) -> FeatureMap {
        let output = try FeatureMap(
            channels: input.channels, height: input.height / 2, width: input.width / 2, pool: workers.pool, contents: .unspecified)
        let minimumChannels = ConvolutionWorkers.elementwisePart / max(input.planeSize, 1)
        workers.forEachPart(of: input.channels, minimumPart: minimumChannels) { channels in
            pool(input, into: output, channels: channels)
        }
        return output
    }

    private static func pool(_ input: FeatureMap, into output: FeatureMap, channels: Range<Int>) {
        for channel in channels {
            let sourcePlane = input.values + channel * input.planeSize
            let targetPlane = output.values + channel * output.planeSize
            for row in 0..<output.height {
                let upper = sourcePlane + 2 * row * input.width
                let lower = upper + input.width
                let targetRow = targetPlane + row * output.width
                for column in 0..<output.width {
                    let left = 2 * column
                    targetRow[column] = max(max(upper[left], upper[left + 1]), max(lower[left], lower[left + 1]))
                }
            }
        }
    }
}
