import COpenBLAS

extension ConvolutionKernel {
    /// Pixels of the border ring computed per sgemm by `applyOnBorder`.
    static let borderChunk = 128

    /// Scratch floats `applyOnBorder` needs: one chunk's im2col columns and outputs.
    var borderScratchCount: Int { (reductionLength + outputChannels) * Self.borderChunk }

    /// Overwrites the one-pixel border ring of `output` (outputChannels x height x width) with
    /// conv(input, self), no bias, for a 3 x 3 kernel: im2col of the ring's pixels and one sgemm per
    /// chunk of them, chunks spread over `workers`' threads. Height and width are at least 2;
    /// `workers`' scratch holds at least `borderScratchCount` floats per thread.
    func applyOnBorder(
        to input: ChannelSlab, height: Int, width: Int, into output: UnsafeMutablePointer<Float>, workers: ConvolutionWorkers
    ) {
        let ring = BorderRing(height: height, width: width)
        let planeSize = height * width
        weights.withUnsafeBufferPointer { weights in
            guard let weights = weights.baseAddress else { return }
            let chunkCount = (ring.count + Self.borderChunk - 1) / Self.borderChunk
            workers.forEachBand(chunkCount) { chunk, scratch in
                let chunkStart = chunk * Self.borderChunk
                let pixels = (chunkStart..<min(chunkStart + Self.borderChunk, ring.count)).lazy.map(ring.pixel)
                let columns = pixels.count
                let matrix = scratch.values
                let products = scratch.values + reductionLength * columns
                var row = 0
                for channel in 0..<input.channels {
                    let plane = input.values + channel * planeSize
                    for tapRow in -1...1 {
                        for tapColumn in -1...1 {
                            for (column, pixel) in pixels.enumerated() {
                                let (y, x) = (pixel / width + tapRow, pixel % width + tapColumn)
                                let inside = y >= 0 && y < height && x >= 0 && x < width
                                matrix[row * columns + column] = inside ? plane[y * width + x] : 0
                            }
                            row += 1
                        }
                    }
                }
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans,
                    Int32(outputChannels), Int32(columns), Int32(reductionLength),
                    1, weights, Int32(reductionLength), matrix, Int32(columns), 0, products, Int32(columns))
                for channel in 0..<outputChannels {
                    for (column, pixel) in pixels.enumerated() {
                        output[channel * planeSize + pixel] = products[channel * columns + column]
                    }
                }
            }
        }
    }
}

/// The pixels of an image's one-pixel border ring, each once: the first row, the first and last
/// pixel of each row in between, the last row.
private struct BorderRing {
    let height: Int
    let width: Int

    var count: Int { 2 * width + 2 * (height - 2) }

    /// The pixel index (row x width + column) of the ring's `index`-th pixel.
    func pixel(_ index: Int) -> Int {
        if index < width { return index }
        let middle = index - width
        if middle < 2 * (height - 2) {
            return (1 + middle / 2) * width + (middle % 2 == 0 ? 0 : width - 1)
        }
        return (height - 1) * width + middle - 2 * (height - 2)
    }
}
