import COpenBLAS

extension ConvolutionKernel {
    /// Pixels of the border ring computed per sgemm by `applyOnBorder`.
    static let borderChunk = 128

    /// Scratch floats `applyOnBorder` needs: one chunk's im2col columns and outputs.
    var borderScratchCount: Int { (reductionLength + outputChannels) * Self.borderChunk }

    /// Overwrites the border ring `thickness` pixels wide of `output` (outputChannels x height x
    /// width) with conv(input, self), no bias, for a 3 x 3 kernel: im2col of the ring's pixels and
    /// one sgemm per chunk of them, chunks spread over `workers`' threads. Height and width are at
    /// least 2 x `thickness`; `workers`' scratch holds at least `borderScratchCount` floats per
    /// thread.
    func applyOnBorder(
        to inputs: [ChannelSlab], height: Int, width: Int, thickness: Int = 1, into output: UnsafeMutablePointer<Float>,
        workers: ConvolutionWorkers
    ) {
        let ring = BorderRing(height: height, width: width, thickness: thickness)
        let planeSize = height * width
        // For each ring pixel and tap, the offset in a plane of the value it reads; -1 outside.
        var sources: [Int] = []
        sources.reserveCapacity(9 * ring.count)
        for index in 0..<ring.count {
            let pixel = ring.pixel(index)
            for tapRow in -1...1 {
                for tapColumn in -1...1 {
                    let (y, x) = (pixel / width + tapRow, pixel % width + tapColumn)
                    sources.append(y >= 0 && y < height && x >= 0 && x < width ? y * width + x : -1)
                }
            }
        }
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
                for input in inputs {
                    for channel in 0..<input.channels {
                        let plane = input.values + channel * planeSize
                        for tap in 0..<9 {
                            for column in 0..<columns {
                                let source = sources[(chunkStart + column) * 9 + tap]
                                matrix[row * columns + column] = source >= 0 ? plane[source] : 0
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

/// The pixels of an image's border ring `thickness` pixels wide, each once: the first rows, the
/// first and last pixels of each row in between, the last rows.
private struct BorderRing {
    let height: Int
    let width: Int
    let thickness: Int

    private var middleRows: Int { height - 2 * thickness }
    var count: Int { 2 * thickness * width + 2 * thickness * middleRows }

    /// The pixel index (row x width + column) of the ring's `index`-th pixel.
    func pixel(_ index: Int) -> Int {
        let top = thickness * width
        if index < top { return index }
        let middle = index - top
        if middle < 2 * thickness * middleRows {
            let (row, side) = (thickness + middle / (2 * thickness), middle % (2 * thickness))
            return row * width + (side < thickness ? side : width - 2 * thickness + side)
        }
        return (height - thickness) * width + middle - 2 * thickness * middleRows
    }
}
