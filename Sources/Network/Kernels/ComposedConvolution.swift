import CKernels
import COpenBLAS

/// conv(conv(x, inner), outer) for two 3 x 3 kernels, as one 5 x 5 convolution (convolution is
/// linear) and a correction on the image's one-pixel border ring that makes it exact there too.
///
/// The 5 x 5 kernel, composed[o, c, a + b] = sum over f of outer[o, f, a] x inner[f, c, b]
/// (offsets a, b in -1...1), reads the intermediate map conv(x, inner) as if it went on past the
/// image, where the two-step form zero-pads it. At a border pixel, the outer taps a that fall
/// outside the image therefore add terms the two-step form lacks; each side and corner of the
/// ring has its own set of such taps, and `BorderCorrection` subtracts exactly those terms.
package struct ComposedConvolution: Sendable {
    let kernel: ConvolutionKernel
    private let corrections: [BorderCorrection]

    init(outer: ConvolutionKernel, inner: ConvolutionKernel) {
        kernel = ConvolutionKernel(
            outputChannels: outer.outputChannels, inputChannels: inner.inputChannels, size: 5,
            weights: Self.composedWeights(outer: outer, inner: inner) { _ in true }.map { Float($0) })
        corrections = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)].map { sides in
            BorderCorrection(rowSide: sides.0, columnSide: sides.1, outer: outer, inner: inner)
        }
    }

    var outputChannels: Int { kernel.outputChannels }

    /// Rows per band for images `width` wide: even, so that bands hold whole pairs of rows for
    /// 2 x 2 pooling.
    static func rowsPerBand(width: Int) -> Int {
        let rows = ConvolutionWorkers.rowsPerBand(width: width)
        return rows + rows % 2
    }

    /// Floats between consecutive output channels of a band of `pixels` pixels: the pixels and one
    /// cache line more. At a power-of-two stride, the rows that a panel of the matrix product
    /// stores at once would fall into the same cache sets and evict one another.
    static func channelStride(bandPixels pixels: Int) -> Int {
        pixels + 16
    }

    /// Scratch floats per thread `forEachBand` needs for images `height` x `width`: one band's
    /// padded input rows and outputs, and one side's gathered input taps and products.
    static func scratchCount(inputChannels: Int, outputChannels: Int, height: Int, width: Int) -> Int {
        let rows = min(height, rowsPerBand(width: width))
        return PaddedBand.count(kernelSize: 5, inputChannels: inputChannels, width: width, maximumRows: rows)
            + outputChannels * channelStride(bandPixels: rows * width)
            + (BorderCorrection.maximumTaps * inputChannels + outputChannels) * max(height, width)
    }

    /// Computes conv(conv(concat(inputs), inner), outer), no bias, for each of several images
    /// (`members`, each its concatenated inputs) of at least 2 x 2 pixels: band by band
    /// (`rowsPerBand` rows), the bands spread over `workers`' threads, every member's band in
    /// member order before the next band, so that what `body` reads and writes for a band stays in
    /// cache across the members. Hands each member's band to `body(member, rows, values,
    /// channelStride)`: output channel c of image row y, column x is values[c x channelStride +
    /// (y - rows.lowerBound) x width + x]. `workers`' scratch holds `scratchCount` floats per thread.
    func forEachBand(
        of members: [[ChannelSlab]], height: Int, width: Int, workers: ConvolutionWorkers,
        _ body: (Int, Range<Int>, UnsafePointer<Float>, Int) -> Void
    ) {
        let rowsPerBand = min(height, Self.rowsPerBand(width: width))
        let bandCount = (height + rowsPerBand - 1) / rowsPerBand
        let kernels = workers.kernels.pointee
        let paddedBand = kernel.paddedBand(width: width, maximumRows: rowsPerBand)
        workers.forEachBand(bandCount) { band, scratch in
            let rows = (band * rowsPerBand)..<min((band + 1) * rowsPerBand, height)
            let channelStride = Self.channelStride(bandPixels: rows.count * width)
            let values = scratch.values + paddedBand.count
            for (member, inputs) in members.enumerated() {
                kernel.convolveBand(
                    inputs, height: height, rows: rows, through: paddedBand, into: values,
                    channelStride: channelStride, accumulating: false, scratch: scratch.values, kernels: kernels)
                for correction in corrections {
                    correction.apply(
                        to: inputs, height: height, width: width, rows: rows, into: values,
                        channelStride: channelStride, scratch: values + outputChannels * channelStride)
                }
                body(member, rows, values, channelStride)
            }
        }
    }

    /// Multiply-adds x 2 of `forEachBand` on `height` x `width` images.
    package func operationCount(height: Int, width: Int) -> Double {
        let corrections = corrections.reduce(0.0) { sum, correction in
            sum + Double(correction.pixelCount(height: height, width: width) * correction.reductionLength)
        }
        return 2 * Double(outputChannels) * (Double(height * width * kernel.reductionLength) + corrections)
    }

    /// composed[o][c][5 x 5] over the outer taps (0..<9, row-major) that `includesOuterTap` keeps,
    /// summed in double precision.
    fileprivate static func composedWeights(
        outer: ConvolutionKernel, inner: ConvolutionKernel, includesOuterTap: (Int) -> Bool
    ) -> [Double] {
        let (outputs, middle, inputs) = (outer.outputChannels, outer.inputChannels, inner.inputChannels)
        var sums = [Double](repeating: 0, count: outputs * inputs * 25)
        for output in 0..<outputs {
            for feature in 0..<middle {
                for outerTap in 0..<9 where includesOuterTap(outerTap) {
                    let weight = Double(outer.weights[(output * middle + feature) * 9 + outerTap])
                    for input in 0..<inputs {
                        for innerTap in 0..<9 {
                            let row = outerTap / 3 + innerTap / 3
                            let column = outerTap % 3 + innerTap % 3
                            sums[((output * inputs + input) * 5 + row) * 5 + column] +=
                                weight * Double(inner.weights[(feature * inputs + input) * 9 + innerTap])
                        }
                    }
                }
            }
        }
        return sums
    }
}

/// The correction of one side or corner of the border ring: the pixels of the first or last row
/// (`rowSide` -1 or 1) or of neither, and of the first or last column (`columnSide`) or of neither.
///
/// There, outer taps reaching past that side read the intermediate map outside the image; their
/// terms, composed with the inner kernel, form a 5 x 5 kernel of which only the taps on input
/// pixels inside the image matter (`taps`). The correction subtracts that kernel's convolution:
/// one sgemm over the side's pixels.
private struct BorderCorrection: Sendable {
    /// Input taps per channel at most: a corner reaches 3 x 3 input pixels inside the image.
    static let maximumTaps = 9

    let rowSide: Int
    let columnSide: Int
    let inputChannels: Int
    let outputChannels: Int
    /// The input offsets (row, column) the correction reads, each in -2...2.
    let taps: [Offset]
    /// -(the composed outside terms), [outputChannels x (inputChannels x taps)].
    let weights: [Float]

    struct Offset: Sendable {
        let row: Int
        let column: Int
    }

    init(rowSide: Int, columnSide: Int, outer: ConvolutionKernel, inner: ConvolutionKernel) {
        (self.rowSide, self.columnSide) = (rowSide, columnSide)
        (inputChannels, outputChannels) = (inner.inputChannels, outer.outputChannels)
        // Outer taps past this side, and the input offsets inside the image they reach through inner.
        let outside = { (tap: Int) in
            (rowSide != 0 && tap / 3 - 1 == rowSide) || (columnSide != 0 && tap % 3 - 1 == columnSide)
        }
        let inside = { (offset: Int, side: Int) in side == 0 || offset * side <= 0 }
        taps = (-2...2).flatMap { row in (-2...2).map { Offset(row: row, column: $0) } }.filter { offset in
            inside(offset.row, rowSide) && inside(offset.column, columnSide)
                && (0..<9).contains { tap in
                    outside(tap) && abs(offset.row - (tap / 3 - 1)) <= 1 && abs(offset.column - (tap % 3 - 1)) <= 1
                }
        }
        let composed = ComposedConvolution.composedWeights(outer: outer, inner: inner, includesOuterTap: outside)
        var weights: [Float] = []
        for output in 0..<outputChannels {
            for input in 0..<inputChannels {
                for offset in taps {
                    weights.append(-Float(composed[((output * inputChannels + input) * 5 + offset.row + 2) * 5 + offset.column + 2]))
                }
            }
        }
        self.weights = weights
    }

    var reductionLength: Int { inputChannels * taps.count }

    private func rows(height: Int) -> Range<Int> {
        rowSide < 0 ? 0..<1 : rowSide > 0 ? (height - 1)..<height : 1..<(height - 1)
    }

    private func columns(width: Int) -> Range<Int> {
        columnSide < 0 ? 0..<1 : columnSide > 0 ? (width - 1)..<width : 1..<(width - 1)
    }

    func pixelCount(height: Int, width: Int) -> Int {
        rows(height: height).count * columns(width: width).count
    }

    /// Adds this side's correction to the outputs of image rows `rows`: output channel c of image
    /// row y, column x at output[c x channelStride + (y - rows.lowerBound) x width + x].
    /// `scratch` holds `(maximumTaps x inputChannels + outputChannels) x max(height, width)` floats.
    func apply(
        to inputs: [ChannelSlab], height: Int, width: Int, rows band: Range<Int>, into output: UnsafeMutablePointer<Float>,
        channelStride: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let (rows, columns) = (rows(height: height).clamped(to: band), columns(width: width))
        let pixels = rows.count * columns.count
        guard pixels > 0 else { return }
        let planeSize = height * width
        let gathered = scratch
        let products = scratch + reductionLength * pixels
        var row = 0
        for input in inputs {
            for channel in 0..<input.channels {
                let plane = input.values + channel * planeSize
                for offset in taps {
                    var column = 0
                    for y in rows {
                        for x in columns {
                            let (sourceRow, sourceColumn) = (y + offset.row, x + offset.column)
                            let inside = sourceRow >= 0 && sourceRow < height && sourceColumn >= 0 && sourceColumn < width
                            gathered[row * pixels + column] = inside ? plane[sourceRow * width + sourceColumn] : 0
                            column += 1
                        }
                    }
                    row += 1
                }
            }
        }
        weights.withUnsafeBufferPointer { weights in
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans,
                Int32(kernelArgument: outputChannels), Int32(kernelArgument: pixels),
                Int32(kernelArgument: reductionLength),
                1, weights.baseAddress, Int32(kernelArgument: reductionLength),
                gathered, Int32(kernelArgument: pixels), 0, products, Int32(kernelArgument: pixels))
        }
        for channel in 0..<outputChannels {
            var column = 0
            for y in rows {
                for x in columns {
                    output[channel * channelStride + (y - band.lowerBound) * width + x] += products[channel * pixels + column]
                    column += 1
                }
            }
        }
    }
}
