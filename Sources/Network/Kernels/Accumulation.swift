/// Elementwise sums used to form means over support members.
enum Accumulation {
    /// sum += scale x values, elementwise.
    static func add(_ values: UnsafePointer<Float>, scaledBy scale: Float = 1, into sum: UnsafeMutablePointer<Float>, count: Int) {
        for index in 0..<count {
            sum[index] += scale * values[index]
        }
    }

    /// sum = a + b, elementwise.
    static func sum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into sum: UnsafeMutablePointer<Float>, count: Int) {
        for index in 0..<count {
            sum[index] = a[index] + b[index]
        }
    }

    /// values *= scale, elementwise.
    static func scale(_ values: UnsafeMutablePointer<Float>, by scale: Float, count: Int) {
        for index in 0..<count {
            values[index] *= scale
        }
    }
}
