import Diagnostics

/// 2 x 2 max-pooling with stride 2 (height and width are even).
enum MaxPool {
    static func pooled(_ input: FeatureMap) throws(UVSegError) -> FeatureMap {
        let output = try FeatureMap(channels: input.channels, height: input.height / 2, width: input.width / 2)
        let source = input.values
        let target = output.values
        for channel in 0..<input.channels {
            let sourcePlane = source + channel * input.planeSize
            let targetPlane = target + channel * output.planeSize
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
        return output
    }
}
