import CKernels
import COpenBLAS

/// Stride-1 convolution with zero padding, as im2col + one `cblas_sgemm` per band of output rows.
///
/// Bands bound the im2col matrix to a thread's scratch buffer, so a convolution at any resolution
/// needs only that buffer per thread besides its input and output; they are spread over the
/// threads of `ConvolutionWorkers`, and their size never depends on the thread count.
extension ConvolutionKernel {
    /// Scratch floats per thread that `apply` needs for `height` x `width` images: one band's
    /// im2col columns, or one band's Winograd tiles.
    func minimumScratchCount(height: Int, width: Int) -> Int {
        Self.scratchCount(inputChannels: inputChannels, outputChannels: outputChannels, size: size, height: height, width: width)
    }

    /// `minimumScratchCount` of a kernel of these sizes, before it is made.
    static func scratchCount(inputChannels: Int, outputChannels: Int, size: Int, height: Int, width: Int) -> Int {
        if size == 1 { return 0 }
        if size == 3 && inputChannels >= WinogradKernel.minimumInputChannels {
            return WinogradTiling(height: height, width: width).scratchCount(inputChannels: inputChannels, outputChannels: outputChannels)
        }
        return inputChannels * size * size * ConvolutionWorkers.rowsPerBand(width: width) * width
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
        weights.withUnsafeBufferPointer { weights in
            guard let weights = weights.baseAddress else { return }
            if size == 1 {
                applyPointwise(weights, to: inputs, planeSize: planeSize, accumulating: bias != nil, into: output)
                for channel in 0..<outputChannels {
                    epilogue.applyInPlace(output, offset: channel * planeSize, count: planeSize)
                }
            } else {
                applyByBands(
                    weights, to: inputs, height: height, width: width, accumulating: bias != nil,
                    into: output, epilogue: epilogue, workers: workers)
            }
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
                Int32(outputChannels), Int32(planeSize), Int32(input.channels),
                1, weights + firstChannel, Int32(inputChannels),
                input.values, Int32(planeSize),
                beta, output, Int32(planeSize))
            firstChannel += input.channels
        }
    }

    private func applyByBands(
        _ weights: UnsafePointer<Float>, to inputs: [ChannelSlab], height: Int, width: Int, accumulating: Bool,
        into output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue, workers: ConvolutionWorkers
    ) {
        let rowsPerBand = min(height, ConvolutionWorkers.rowsPerBand(width: width))
        let bandCount = (height + rowsPerBand - 1) / rowsPerBand
        let kernels = workers.kernels.pointee
        workers.forEachBand(bandCount) { band, scratch in
            let firstRow = band * rowsPerBand
            let rows = firstRow..<min(firstRow + rowsPerBand, height)
            convolveBand(
                weights, to: inputs, height: height, width: width, rows: rows, into: output + firstRow * width,
                channelStride: height * width, accumulating: accumulating, matrix: scratch.values, kernels: kernels)
            for channel in 0..<outputChannels {
                epilogue.applyInPlace(output, offset: channel * height * width + firstRow * width, count: rows.count * width)
            }
        }
    }

    /// The outputs of image rows `rows`, no bias: output[channel x channelStride + pixel of the
    /// band] = (or += when `accumulating`) the convolution there. `matrix` holds the band's
    /// im2col columns (reductionLength x rows.count x width floats).
    func convolveBand(
        _ weights: UnsafePointer<Float>, to inputs: [ChannelSlab], height: Int, width: Int, rows: Range<Int>,
        into output: UnsafeMutablePointer<Float>, channelStride: Int, accumulating: Bool,
        matrix: UnsafeMutablePointer<Float>, kernels: uvseg_kernels
    ) {
        let columns = rows.count * width
        Im2Col.fill(matrix, from: inputs, height: height, width: width, kernelSize: size, rows: rows)
        if let panels, !accumulating {
            kernels.matrix_product(
                Int32(outputChannels), Int32(columns), Int32(reductionLength), panels, matrix, columns, output, channelStride)
        } else {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans,
                Int32(outputChannels), Int32(columns), Int32(reductionLength),
                1, weights, Int32(reductionLength), matrix, Int32(columns),
                accumulating ? 1 : 0, output, Int32(channelStride))
        }
    }
}
