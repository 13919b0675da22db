import COpenBLAS

/// A 3 x 3 convolution (stride 1, zero padding 1) by F(4 x 4, 3 x 3), band by band:
///
///     V = B^T d B    for every input channel and 6 x 6 input tile d
///     M = U V        one sgemm per transform position: [out x in] x [in x tiles]
///     Y = A^T M A    the 4 x 4 output block of every tile
///
/// with the matrices of `inputTransform` and `outputTransform`. Each band runs on one thread with
/// that thread's scratch, so results do not depend on the thread count.
extension WinogradKernel {
    /// output = epilogue(conv(concat(inputs), self) + bias) (bias nil: none) for outputChannels x
    /// height x width `output`; `workers`' scratch holds `WinogradTiling.scratchCount` floats per
    /// thread.
    func apply(
        to inputs: [ChannelSlab], height: Int, width: Int, bias: [Float]?,
        into output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue, workers: ConvolutionWorkers
    ) {
        let tiling = WinogradTiling(height: height, width: width)
        let biases = bias ?? [Float](repeating: 0, count: outputChannels)
        transformedWeights.withUnsafeBufferPointer { weights in
            biases.withUnsafeBufferPointer { biases in
                guard let weights = weights.baseAddress, let biases = biases.baseAddress else { return }
                workers.forEachBand(tiling.bandCount) { band, scratch in
                    let tileRows = tiling.tileRows(ofBand: band)
                    let tiles = tileRows.count * tiling.tilesAcross
                    let transformedInput = scratch.values
                    let products = transformedInput + Self.positions * inputChannels * tiles
                    let rows = products + Self.positions * outputChannels * tiles
                    transformInput(inputs, tiling: tiling, tileRows: tileRows, into: transformedInput, rows: rows)
                    for position in 0..<Self.positions {
                        cblas_sgemm(
                            CblasRowMajor, CblasNoTrans, CblasNoTrans,
                            Int32(outputChannels), Int32(tiles), Int32(inputChannels),
                            1, weights + position * outputChannels * inputChannels, Int32(inputChannels),
                            transformedInput + position * inputChannels * tiles, Int32(tiles),
                            0, products + position * outputChannels * tiles, Int32(tiles))
                    }
                    transformOutput(
                        products, tiling: tiling, tileRows: tileRows, biases: biases,
                        into: output, epilogue: epilogue, spareRow: rows)
                }
            }
        }
    }

    /// B^T d for six values d0...d5 (one column or one row of an input tile), for the points
    /// 0, 1, -1, 1/2, -2 and infinity.
    /// Four tiles at a time: concrete vectors, so that the arithmetic compiles to vector
    /// instructions (generic SIMD code runs lane by lane).
    @inline(__always)
    static func inputTransform(
        _ d0: SIMD4<Float>, _ d1: SIMD4<Float>, _ d2: SIMD4<Float>, _ d3: SIMD4<Float>, _ d4: SIMD4<Float>, _ d5: SIMD4<Float>
    ) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        (d0 - 1.5 * d1 - 2 * d2 + 1.5 * d3 + d4,
         0.5 * d2 - d1 + 2.5 * d3 + d4,
         d1 - 2.5 * d2 + 0.5 * d3 + d4,
         2 * d3 - 2 * d1 - d2 + d4,
         0.5 * d1 - d2 - 0.5 * d3 + d4,
         d1 - 1.5 * d2 - 2 * d3 + 1.5 * d4 + d5)
    }

    /// A^T m for six values m0...m5 (one column or one row of a transformed tile).
    @inline(__always)
    static func outputTransform(
        _ m0: SIMD4<Float>, _ m1: SIMD4<Float>, _ m2: SIMD4<Float>, _ m3: SIMD4<Float>, _ m4: SIMD4<Float>, _ m5: SIMD4<Float>
    ) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        (m0 + m1 + m2 + m3 + m4,
         m1 - m2 + 0.5 * m3 - 2 * m4,
         m1 + m2 + 0.25 * m3 + 4 * m4,
         m1 - m2 + 0.125 * m3 - 8 * m4 + m5)
    }

    /// V[position][channel][tile] = (B^T d B)[position] for the band's tiles.
    ///
    /// Each input row the band reads is split once into four phases, phase q holding padded
    /// columns 4k + q (image columns 4k + q - 1): the six columns of tile t are then phases 0...3
    /// at t and phases 0, 1 at t + 1, and every step reads and writes consecutive tiles.
    private func transformInput(
        _ inputs: [ChannelSlab], tiling: WinogradTiling, tileRows: Range<Int>,
        into transformed: UnsafeMutablePointer<Float>, rows: UnsafeMutablePointer<Float>
    ) {
        let (height, width, across) = (tiling.height, tiling.width, tiling.tilesAcross)
        let tiles = tileRows.count * across
        let stride = inputChannels * tiles
        let (phaseLength, rowLength) = (tiling.phaseLength, tiling.splitRowLength)
        let splitRows = rows
        let combined = rows + tiling.inputRowsPerBand * rowLength
        let firstInputRow = 4 * tileRows.lowerBound - 1
        let inputRowCount = 4 * tileRows.count + 2
        var channel = 0
        for input in inputs {
            for inputChannel in 0..<input.channels {
                let plane = input.values + inputChannel * height * width
                for local in 0..<inputRowCount {
                    let y = firstInputRow + local
                    Self.splitRow(
                        y >= 0 && y < height ? plane + y * width : nil, width: width,
                        into: splitRows + local * rowLength, phaseLength: phaseLength)
                }
                for bandRow in 0..<tileRows.count {
                    // B^T down the tile's six rows, for every phase at once.
                    let sources = splitRows + 4 * bandRow * rowLength
                    Self.combineRows(sources, rowLength: rowLength, into: combined)
                    let destination = transformed + channel * tiles + bandRow * across
                    for i in 0..<6 {
                        Self.transformAcross(
                            combined + i * rowLength, phaseLength: phaseLength, tiles: across,
                            into: destination + 6 * i * stride, stride: stride)
                    }
                }
                channel += 1
            }
        }
    }

    /// Splits a row of `width` values (nil: outside the image) into its four padded phases:
    /// split[q x phaseLength + k] = row[4k + q - 1], zero outside the row.
    private static func splitRow(_ row: UnsafePointer<Float>?, width: Int, into split: UnsafeMutablePointer<Float>, phaseLength: Int) {
        split.update(repeating: 0, count: 4 * phaseLength)
        guard let row else { return }
        for column in 0..<width {
            let padded = column + 1
            split[(padded & 3) * phaseLength + (padded >> 2)] = row[column]
        }
    }

    /// combined[i] = sum over r of B^T[i][r] x source row r, for the six split rows from `sources`.
    private static func combineRows(_ sources: UnsafePointer<Float>, rowLength: Int, into combined: UnsafeMutablePointer<Float>) {
        @inline(__always)
        func load(_ r: Int, _ e: Int) -> SIMD4<Float> {
            sources.vector(at: r * rowLength + e)
        }
        for e in Swift.stride(from: 0, to: rowLength, by: 4) {
            let c = inputTransform(load(0, e), load(1, e), load(2, e), load(3, e), load(4, e), load(5, e))
            combined.setVector(c.0, at: e)
            combined.setVector(c.1, at: rowLength + e)
            combined.setVector(c.2, at: 2 * rowLength + e)
            combined.setVector(c.3, at: 3 * rowLength + e)
            combined.setVector(c.4, at: 4 * rowLength + e)
            combined.setVector(c.5, at: 5 * rowLength + e)
        }
    }

    /// The six transformed values (B^T along the row) of each of `tiles` tiles of one combined
    /// row, written to destination[j x stride + tile], four tiles at a time.
    private static func transformAcross(
        _ row: UnsafePointer<Float>, phaseLength: Int, tiles: Int, into destination: UnsafeMutablePointer<Float>, stride: Int
    ) {
        @inline(__always)
        func load(_ phase: Int, _ t: Int) -> SIMD4<Float> {
            row.vector(at: phase * phaseLength + t)
        }
        var t = 0
        while t < tiles {
            let v = inputTransform(load(0, t), load(1, t), load(2, t), load(3, t), load(0, t + 1), load(1, t + 1))
            if t + 4 <= tiles {
                @inline(__always)
                func store(_ j: Int, _ values: SIMD4<Float>) {
                    destination.setVector(values, at: j * stride + t)
                }
                store(0, v.0); store(1, v.1); store(2, v.2); store(3, v.3); store(4, v.4); store(5, v.5)
            } else {
                // The split rows are zero-padded past the last tile; only real tiles are stored.
                for lane in 0..<(tiles - t) {
                    for (j, values) in [v.0, v.1, v.2, v.3, v.4, v.5].enumerated() {
                        destination[j * stride + t + lane] = values[lane]
                    }
                }
            }
            t += 4
        }
    }

    /// Writes epilogue(A^T M A + bias), each tile's 4 x 4 output block, clipped to the image:
    /// rows below the image go to `spareRow` (with no epilogue), columns beyond it are dropped.
    private func transformOutput(
        _ products: UnsafePointer<Float>, tiling: WinogradTiling, tileRows: Range<Int>,
        biases: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue,
        spareRow: UnsafeMutablePointer<Float>
    ) {
        let (height, width, across) = (tiling.height, tiling.width, tiling.tilesAcross)
        let tiles = tileRows.count * across
        let stride = outputChannels * tiles
        for channel in 0..<outputChannels {
            let bias = biases[channel]
            for (bandRow, tileRow) in tileRows.enumerated() {
                let m = products + channel * tiles + bandRow * across
                var t = 0
                while t < across {
                    let lanes = min(4, across - t)
                    // Four tiles wholly inside the image are stored as vectors.
                    let whole = 4 * (t + 4) <= width
                    Self.outputBlocks(m + t, stride: stride) { i, y in
                        let row = 4 * tileRow + i
                        let inside = row < height
                        let offset = (channel * height + row) * width + 4 * t
                        let target = inside ? output + offset : spareRow
                        let rowEpilogue = inside ? epilogue : .store
                        // Each tile's four pixels of this row: the transpose of y.
                        let pixels = Self.transposed(y)
                        if whole {
                            @inline(__always)
                            func store(_ lane: Int, _ values: SIMD4<Float>) {
                                target.setVector(rowEpilogue.finish(values + bias, at: offset + 4 * lane), at: 4 * lane)
                            }
                            store(0, pixels.0); store(1, pixels.1); store(2, pixels.2); store(3, pixels.3)
                        } else {
                            for (lane, values) in [pixels.0, pixels.1, pixels.2, pixels.3].prefix(lanes).enumerated() {
                                for x in 0..<4 where 4 * (t + lane) + x < width {
                                    target[4 * lane + x] = rowEpilogue.finish(values[x] + bias, at: offset + 4 * lane + x)
                                }
                            }
                        }
                    }
                    t += 4
                }
            }
        }
    }

    /// The 4 x 4 transpose of four vectors.
    @inline(__always)
    private static func transposed(
        _ y: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
    ) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        (SIMD4(y.0[0], y.1[0], y.2[0], y.3[0]), SIMD4(y.0[1], y.1[1], y.2[1], y.3[1]),
         SIMD4(y.0[2], y.1[2], y.2[2], y.3[2]), SIMD4(y.0[3], y.1[3], y.2[3], y.3[3]))
    }

    /// A^T m A for the four consecutive tiles whose 36 transformed products lie at
    /// m[position x stride + lane]: hands `row(i, y)` each output row i, y.x holding column x of
    /// the four tiles. Past a tile row's last tile the lanes hold whatever follows in the band's
    /// scratch (products, then split rows): never stored.
    @inline(__always)
    private static func outputBlocks(
        _ m: UnsafePointer<Float>, stride: Int, row: (Int, (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)) -> Void
    ) {
        @inline(__always)
        func load(_ position: Int) -> SIMD4<Float> {
            m.vector(at: position * stride)
        }
        // A^T down each of the six columns j: c_j.i is row i of column j.
        let c0 = outputTransform(load(0), load(6), load(12), load(18), load(24), load(30))
        let c1 = outputTransform(load(1), load(7), load(13), load(19), load(25), load(31))
        let c2 = outputTransform(load(2), load(8), load(14), load(20), load(26), load(32))
        let c3 = outputTransform(load(3), load(9), load(15), load(21), load(27), load(33))
        let c4 = outputTransform(load(4), load(10), load(16), load(22), load(28), load(34))
        let c5 = outputTransform(load(5), load(11), load(17), load(23), load(29), load(35))
        // A^T along each row.
        row(0, outputTransform(c0.0, c1.0, c2.0, c3.0, c4.0, c5.0))
        row(1, outputTransform(c0.1, c1.1, c2.1, c3.1, c4.1, c5.1))
        row(2, outputTransform(c0.2, c1.2, c2.2, c3.2, c4.2, c5.2))
        row(3, outputTransform(c0.3, c1.3, c2.3, c3.3, c4.3, c5.3))
    }
}
