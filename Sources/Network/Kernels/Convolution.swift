import CKernels
import COpenBLAS

/// Stride-1 convolution with zero padding: Winograd's for 3 x 3 kernels with enough input
/// channels, one `cblas_sgemm` for 1 x 1 kernels, and otherwise one gathered product (an implicit
/// im2col) per band of output rows.
///
/// Bands bound the padded input rows to a thread's scratch buffer, so a convolution at any resolution
/// needs only that buffer per thread besides its input and output; they are spread over the
/// threads of `ConvolutionWorkers`, and their size never depends on the thread count.
extension ConvolutionKernel {
    /// Scratch floats per thread that `apply` needs for `height` x `width` images: one band's
    /// padded input rows, or one band's Winograd tiles.
    func minimumScratchCount(height: Int, width: Int) -> Int {
        Self.scratchCount(inputChannels: inputChannels, outputChannels: outputChannels, size: size, height: height, width: width)
    }

    /// `minimumScratchCount` of a kernel of these sizes, before it is made.
    static func scratchCount(inputChannels: Int, outputChannels: Int, size: Int, height: Int, width: Int) -> Int {
        if size == 1 { return 0 }
        if size == 3 && inputChannels >= WinogradKernel.minimumInputChannels {
            return WinogradTiling(height: height, width: width).scratchCount(inputChannels: inputChannels, outputChannels: outputChannels)
        }
        return PaddedBand.count(
            kernelSize: size, inputChannels: inputChannels, width: width,
            maximumRows: min(height, ConvolutionWorkers.rowsPerBand(width: width)))
    }

    /// output = epilogue(conv(concat(inputs), self) + bias), for outputChannels x height x width
    /// `output`.
    ///
    /// The slabs' channels add up to `inputChannels`; `scratch` holds at least
    /// `minimumScratchCount` floats per thread of `workers`.
    func apply(
        to inputs: [ChannelSlab], height: Int, width: Int, bias: [Float]?,
        into output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue = .store, workers: ConvolutionWorkers
    ) {
        if let winograd {
            winograd.apply(to: inputs, height: height, width: width, bias: bias, into: output, epilogue: epilogue, workers: workers)
            return
        }
        let planeSize = height * width
        if let bias {
            for channel in 0..<outputChannels {
                (output + channel * planeSize).update(repeating: bias[channel], count: planeSize)
            }
        }
        if size == 1 {
            weights.withUnsafeBufferPointer { weights in
                guard let weights = weights.baseAddress else { return }
                applyPointwise(weights, to: inputs, planeSize: planeSize, accumulating: bias != nil, into: output)
            }
            for channel in 0..<outputChannels {
                epilogue.applyInPlace(output, offset: channel * planeSize, count: planeSize)
            }
        } else {
            applyByBands(
                to: inputs, height: height, width: width, accumulating: bias != nil,
                into: output, epilogue: epilogue, workers: workers)
        }
    }

    /// A 1 x 1 convolution needs no im2col: each slab is already a GEMM operand.
    private func applyPointwise(
        _ weights: UnsafePointer<Float>, to inputs: [ChannelSlab], planeSize: Int, accumulating: Bool,
        into output: UnsafeMutablePointer<Float>
    ) {
        var firstChannel = 0
        for (index, input) in inputs.enumerated() {
            let beta: Float = accumulating || index > 0 ? 1 : 0
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans,
                Int32(kernelArgument: outputChannels), Int32(kernelArgument: planeSize),
                Int32(kernelArgument: input.channels),
                1, weights + firstChannel, Int32(kernelArgument: inputChannels),
                input.values, Int32(kernelArgument: planeSize),
                beta, output, Int32(kernelArgument: planeSize))
            firstChannel += input.channels
        }
    }

    private func applyByBands(
        to inputs: [ChannelSlab], height: Int, width: Int, accumulating: Bool,
        into output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue, workers: ConvolutionWorkers
    ) {
        let rowsPerBand = min(height, ConvolutionWorkers.rowsPerBand(width: width))
        let bandCount = (height + rowsPerBand - 1) / rowsPerBand
        let band = paddedBand(width: width, maximumRows: rowsPerBand)
        let kernels = workers.kernels.pointee
        workers.forEachBand(bandCount) { bandIndex, scratch in
            let firstRow = bandIndex * rowsPerBand
            let rows = firstRow..<min(firstRow + rowsPerBand, height)
            convolveBand(
                inputs, height: height, rows: rows, through: band, into: output + firstRow * width,
                channelStride: height * width, accumulating: accumulating, scratch: scratch.values, kernels: kernels)
            for channel in 0..<outputChannels {
                epilogue.applyInPlace(output, offset: channel * height * width + firstRow * width, count: rows.count * width)
            }
        }
    }

    /// How `convolveBand` reads the input of bands of at most `maximumRows` rows of `width` pixels.
    func paddedBand(width: Int, maximumRows: Int) -> PaddedBand {
        PaddedBand(kernelSize: size, inputChannels: inputChannels, width: width, maximumRows: maximumRows)
    }

    /// The outputs of image rows `rows`, no bias: output[channel x channelStride + pixel of the
    /// band] = (or += when `accumulating`) the convolution there, by CKernels' gathered product
    /// from the band's padded input rows, which it writes into `scratch` (`band.count` floats).
    /// For the kernels larger than 1 x 1 that are not Winograd's.
    func convolveBand(
        _ inputs: [ChannelSlab], height: Int, rows: Range<Int>, through band: PaddedBand,
        into output: UnsafeMutablePointer<Float>, channelStride: Int, accumulating: Bool,
        scratch: UnsafeMutablePointer<Float>, kernels: uvseg_kernels
    ) {
        band.fill(scratch, from: inputs, height: height, rows: rows)
        kernels.gathered_product(
            Int32(kernelArgument: outputChannels), Int32(kernelArgument: rows.count), Int32(kernelArgument: band.width),
            Int32(kernelArgument: reductionLength), panels, scratch,
            band.rowStride, band.offsets, output, channelStride, accumulating ? 1 : 0)
    }
}
