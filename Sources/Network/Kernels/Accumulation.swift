/// Elementwise sums used to form means over support members, spread over a call's threads.
enum Accumulation {
    /// sum += scale x values, elementwise.
    static func add(
        _ values: UnsafePointer<Float>, scaledBy scale: Float = 1, into sum: UnsafeMutablePointer<Float>, count: Int,
        workers: ConvolutionWorkers
    ) {
        workers.forEachPart(of: count, minimumPart: ConvolutionWorkers.elementwisePart) { part in
            for index in part {
                sum[index] += scale * values[index]
            }
        }
    }

    /// values *= scale, elementwise.
    static func scale(_ values: UnsafeMutablePointer<Float>, by scale: Float, count: Int, workers: ConvolutionWorkers) {
        workers.forEachPart(of: count, minimumPart: ConvolutionWorkers.elementwisePart) { part in
            for index in part {
                values[index] *= scale
            }
        }
    }
}
