/// A 2-D single-channel image, row-major: pixel (row, column) at `pixels[row * width + column]`.
public struct SliceImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image of `width` x `height` pixels, all `value`.
    public init(width: Int, height: Int, repeating value: Float) {
        self.init(width: width, height: height, pixels: [Float](repeating: value, count: width * height))
    }

    /// Row-major pixels of one or more stacked images `width` pixels wide, each row reversed
    /// (the images mirrored left to right).
    static func mirroringRows(of pixels: [Float], width: Int) -> [Float] {
        var mirrored = pixels
        for start in stride(from: 0, to: pixels.count, by: width) {
            mirrored[start..<min(start + width, pixels.count)].reverse()
        }
        return mirrored
    }

    /// The image resized to `newWidth` x `newHeight` with the given filter per axis.
    func resized(
        toWidth newWidth: Int, height newHeight: Int,
        filter: (_ source: Int, _ target: Int) -> ResamplingWeights
    ) -> SliceImage {
        let horizontal = newWidth == width ? nil : filter(width, newWidth)
        let vertical = newHeight == height ? nil : filter(height, newHeight)
        var rows = self
        if let horizontal {
            rows = SliceImage(width: newWidth, height: height, repeating: 0)
            for row in 0..<height {
                let source = row * width
                for column in 0..<newWidth {
                    var sum: Float = 0
                    for (tap, weight) in horizontal.weights[column].enumerated() {
                        sum += weight * pixels[source + horizontal.firstSource[column] + tap]
                    }
                    rows.pixels[row * newWidth + column] = sum
                }
            }
        }
        guard let vertical else { return rows }
        var result = SliceImage(width: newWidth, height: newHeight, repeating: 0)
        for row in 0..<newHeight {
            for (tap, weight) in vertical.weights[row].enumerated() {
                let source = (vertical.firstSource[row] + tap) * newWidth
                for column in 0..<newWidth {
                    result.pixels[row * newWidth + column] += weight * rows.pixels[source + column]
                }
            }
        }
        return result
    }
}
