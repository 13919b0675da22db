extension ConvolutionKernel {
    /// The 5 x 5 kernel of conv(conv(x, inner), self) for two 3 x 3 kernels, convolution being
    /// linear: composed[o, c, a + b] = sum over f of self[o, f, a] x inner[f, c, b] (offsets a, b
    /// in -1...1), summed in double precision.
    ///
    /// Exact, up to rounding, everywhere but on the one-pixel border ring of the image, where the
    /// two-step form sees the zero padding of the intermediate map (`applyOnBorder` redoes it).
    func composed(after inner: ConvolutionKernel) -> ConvolutionKernel {
        let (outputs, middle, inputs) = (outputChannels, inputChannels, inner.inputChannels)
        var sums = [Double](repeating: 0, count: outputs * inputs * 25)
        for output in 0..<outputs {
            for feature in 0..<middle {
                for outerTap in 0..<9 {
                    let outer = Double(weights[(output * middle + feature) * 9 + outerTap])
                    for input in 0..<inputs {
                        for innerTap in 0..<9 {
                            let row = outerTap / 3 + innerTap / 3
                            let column = outerTap % 3 + innerTap % 3
                            sums[((output * inputs + input) * 5 + row) * 5 + column] +=
                                outer * Double(inner.weights[(feature * inputs + input) * 9 + innerTap])
                        }
                    }
                }
            }
        }
        return ConvolutionKernel(outputChannels: outputs, inputChannels: inputs, size: 5, weights: sums.map { Float($0) })
    }
}
