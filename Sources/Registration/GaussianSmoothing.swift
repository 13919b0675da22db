#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIfTI

/// Separable Gaussian smoothing of values on a grid, with edges extended (the value at the border
/// continues outwards), so that a smoothed image or displacement field keeps its level at the edges.
public struct GaussianSmoothing {
    /// The standard deviation along i, j, k, in voxels; 0 leaves an axis alone.
    let sigmas: SIMD3<Double>

    /// Normalised taps from -radius to +radius, radius = ceil(3 sigma).
    public static func taps(sigma: Double) -> [Float] {
        let radius = Int((3 * sigma).rounded(.up))
        let weights = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        return weights.map { Float($0 / total) }
    }

    /// Smooths `values` (laid out on `size`, i fastest) in place; `scratch` must hold as many values
    /// and is overwritten.
    func apply(to values: inout [Float], size: GridSize, scratch: inout [Float], parallel: ParallelParts) {
        let lengths = [size.i, size.j, size.k]
        for axis in 0..<3 where sigmas[axis] > 0 && lengths[axis] > 1 {
            let inner = lengths[..<axis].reduce(1, *)
            let outer = lengths[(axis + 1)...].reduce(1, *)
            Self.convolve(
                values, into: &scratch, taps: Self.taps(sigma: sigmas[axis]), length: lengths[axis],
                inner: inner, outer: outer, parallel: parallel)
            swap(&values, &scratch)
        }
    }

    /// `output[o][p][:] = sum_t taps[t] * input[o][clamp(p + t - radius)][:]`, for the array seen as
    /// `outer` blocks of `length` lines of `inner` contiguous values.
    private static func convolve(
        _ input: [Float], into output: inout [Float], taps: [Float], length: Int, inner: Int, outer: Int,
        parallel: ParallelParts
    ) {
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                taps.withUnsafeBufferPointer { weights in
                    let pointers = UncheckedSendable(value: (source.baseAddress!, destination.baseAddress!, weights))
                    if inner == 1 {
                        // Along the contiguous axis: whole lines, the interior without clamping.
                        parallel.forEachPart(of: outer) { _, lines in
                            let (source, destination, weights) = pointers.value
                            for line in lines {
                                convolveLine(source + line * length, into: destination + line * length, length: length, taps: weights)
                            }
                        }
                        return
                    }
                    let radius = weights.count / 2
                    parallel.forEachPart(of: outer * length) { _, lines in
                        let (source, destination, weights) = pointers.value
                        for line in lines {
                            let block = line / length, position = line % length
                            let out = destination + line * inner
                            for index in 0..<inner { out[index] = 0 }
                            for tap in 0..<weights.count {
                                let from = min(max(position + tap - radius, 0), length - 1)
                                let input = source + (block * length + from) * inner
                                let weight = weights[tap]
                                for index in 0..<inner { out[index] += weight * input[index] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One contiguous line convolved with `taps`, edges extended.
    @inline(__always)
    private static func convolveLine(
        _ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, length: Int,
        taps: UnsafeBufferPointer<Float>
    ) {
        let radius = taps.count / 2
        for position in 0..<length {
            var sum: Float = 0
            if position >= radius && position + radius < length {
                let start = input + position - radius
                for tap in 0..<taps.count { sum += taps[tap] * start[tap] }
            } else {
                for tap in 0..<taps.count {
                    sum += taps[tap] * input[min(max(position + tap - radius, 0), length - 1)]
                }
            }
            output[position] = sum
        }
    }
}
