import CKernels

/// A 3 x 3 convolution (stride 1, zero padding 1) by F(4 x 4, 3 x 3), band by band:
///
///     V = B^T d B    for every input channel and 6 x 6 input tile d
///     M = U V        one matrix product per transform position: [out x in] x [in x tiles]
///     Y = A^T M A    the 4 x 4 output block of every tile
///
/// with the matrices of CKernels' transforms, whose inner loops run there. Each band runs on one
/// thread with that thread's scratch, so results do not depend on the thread count.
extension WinogradKernel {
    /// output = epilogue(conv(concat(inputs), self) + bias) (bias nil: none) for outputChannels x
    /// height x width `output`; `workers`' scratch holds `WinogradTiling.scratchCount` floats per
    /// thread.
    func apply(
        to inputs: [ChannelSlab], height: Int, width: Int, bias: [Float]?,
        into output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue, workers: ConvolutionWorkers
    ) {
        let tiling = WinogradTiling(height: height, width: width)
        let kernels = workers.kernels.pointee
        transformedWeights.withUnsafeBufferPointer { weights in
            guard let weights = weights.baseAddress else { return }
            workers.forEachBand(tiling.bandCount) { band, scratch in
                let tileRows = tiling.tileRows(ofBand: band)
                let tiles = tileRows.count * tiling.tilesAcross
                let inputStride = WinogradTiling.positionStride(channels: inputChannels, tiles: tiles)
                let productStride = WinogradTiling.positionStride(channels: outputChannels, tiles: tiles)
                let transformedInput = scratch.values
                let products = transformedInput + Self.positions * inputStride
                // After the products: the split rows, which also give the output transform its
                // slack to read whole vectors past the last tile.
                let rows = products + Self.positions * productStride
                transformInput(
                    inputs, tiling: tiling, tileRows: tileRows, into: transformedInput, stride: inputStride,
                    rows: rows, kernels: kernels)
                for position in 0..<Self.positions {
                    kernels.matrix_product(
                        Int32(kernelArgument: outputChannels), Int32(kernelArgument: tiles),
                        Int32(kernelArgument: inputChannels),
                        weights + position * outputChannels * inputChannels,
                        transformedInput + position * inputStride, tiles,
                        products + position * productStride, tiles)
                }
                transformOutput(
                    products, stride: productStride, tiling: tiling, tileRows: tileRows, bias: bias,
                    into: output, epilogue: epilogue, kernels: kernels)
            }
        }
    }

    /// V[position][channel][tile] = (B^T d B)[position] for the band's tiles, positions `stride`
    /// floats apart, one CKernels call per channel. `rows` holds the band's split input rows of
    /// one channel, then the six combined rows of one tile row.
    private func transformInput(
        _ inputs: [ChannelSlab], tiling: WinogradTiling, tileRows: Range<Int>,
        into transformed: UnsafeMutablePointer<Float>, stride: Int, rows: UnsafeMutablePointer<Float>,
        kernels: uvseg_kernels
    ) {
        let tiles = tileRows.count * tiling.tilesAcross
        let combined = rows + tiling.inputRowsPerBand * tiling.splitRowLength
        let planeSize = tiling.height * tiling.width
        var channel = 0
        for (slab, input) in inputs.enumerated() {
            for inputChannel in 0..<input.channels {
                let plane = input.values + inputChannel * planeSize
                // The plane read next, whose band rows are asked of the cache meanwhile.
                let upcoming = inputChannel + 1 < input.channels
                    ? plane + planeSize : slab + 1 < inputs.count ? UnsafePointer(inputs[slab + 1].values) : nil
                kernels.transform_input_band(
                    plane, Int32(kernelArgument: tiling.height), Int32(kernelArgument: tiling.width),
                    Int32(kernelArgument: tileRows.lowerBound), Int32(kernelArgument: tileRows.count),
                    Int32(kernelArgument: tiling.phaseLength), rows, combined, transformed + channel * tiles, stride,
                    upcoming)
                channel += 1
            }
        }
    }

    /// Writes epilogue(A^T M A + bias), each tile's 4 x 4 output block, clipped to the image; the
    /// products' positions lie `stride` floats apart.
    private func transformOutput(
        _ products: UnsafePointer<Float>, stride: Int, tiling: WinogradTiling, tileRows: Range<Int>,
        bias: [Float]?, into output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue, kernels: uvseg_kernels
    ) {
        let planeSize = tiling.height * tiling.width
        let tiles = tileRows.count * tiling.tilesAcross
        let (kind, base, sum) = epilogue.kernelArguments
        for channel in 0..<outputChannels {
            let offset = channel * planeSize
            kernels.output_band(
                products + channel * tiles, stride,
                Int32(kernelArgument: tileRows.lowerBound), Int32(kernelArgument: tileRows.count),
                Int32(kernelArgument: tiling.height), Int32(kernelArgument: tiling.width), bias?[channel] ?? 0,
                output + offset, kind,
                base.map { $0 + offset }, sum.map { $0 + offset },
                // The same rows of the next channel, written next.
                channel + 1 < outputChannels ? planeSize : 0)
        }
    }
}
