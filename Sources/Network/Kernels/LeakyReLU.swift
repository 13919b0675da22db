/// The activation of every cross block output: x for x >= 0, 0.01 x below.
enum LeakyReLU {
    static let negativeSlope: Float = 0.01

    @inline(__always)
    static func activate(_ value: Float) -> Float {
        value < 0 ? value * negativeSlope : value
    }

    /// output = LeakyReLU(a + b), elementwise.
    static func apply(
        sumOf a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int,
        workers: ConvolutionWorkers
    ) {
        workers.forEachPart(of: count, minimumPart: ConvolutionWorkers.elementwisePart) { part in
            for index in part {
                output[index] = activate(a[index] + b[index])
            }
        }
    }
}
