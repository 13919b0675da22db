import COpenBLAS

/// A 3 x 3 convolution (stride 1, zero padding 1) by F(2 x 2, 3 x 3), band by band:
///
///     V = B^T d B    for every input channel and 4 x 4 input tile d     (additions only)
///     M = U V        one sgemm per transform position: [out x in] x [in x tiles]
///     Y = A^T M A    the 2 x 2 output block of every tile                (additions only)
///
/// with B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]] and
/// A^T = [[1, 1, 1, 0], [0, 1, -1, -1]]. Each band runs on one thread with that thread's scratch,
/// so results do not depend on the thread count.
extension WinogradKernel {
    /// output = conv(concat(inputs), self) + bias (bias nil: none) for outputChannels x height x
    /// width `output`; `workers`' scratch holds `WinogradTiling.scratchCount` floats per thread.
    func apply(
        to inputs: [ChannelSlab], height: Int, width: Int, bias: [Float]?,
        into output: UnsafeMutablePointer<Float>, workers: ConvolutionWorkers
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
                    transformOutput(products, tiling: tiling, tileRows: tileRows, biases: biases, into: output, spareRow: rows)
                }
            }
        }
    }

    /// V[position][channel][tile] = (B^T d B)[position] for the band's tiles. Each input row is
    /// first split into its even and odd padded columns, so that every step below reads and
    /// writes consecutive tiles, four at a time.
    private func transformInput(
        _ inputs: [ChannelSlab], tiling: WinogradTiling, tileRows: Range<Int>,
        into transformed: UnsafeMutablePointer<Float>, rows: UnsafeMutablePointer<Float>
    ) {
        let (height, width, across) = (tiling.height, tiling.width, tiling.tilesAcross)
        let tiles = tileRows.count * across
        let stride = inputChannels * tiles
        // even[r][k] = padded column 2k of input row r (image column 2k - 1), odd[r][k] column 2k.
        let rowLength = WinogradTiling.splitRowLength(tilesAcross: across)
        let split = SplitRows(
            even: (rows, rows + 2 * rowLength, rows + 4 * rowLength, rows + 6 * rowLength),
            odd: (rows + rowLength, rows + 3 * rowLength, rows + 5 * rowLength, rows + 7 * rowLength))
        let groups = across / 4
        var channel = 0
        for input in inputs {
            for inputChannel in 0..<input.channels {
                let plane = input.values + inputChannel * height * width
                for (bandRow, tileRow) in tileRows.enumerated() {
                    for r in 0..<4 {
                        let y = 2 * tileRow - 1 + r
                        let row = y >= 0 && y < height ? plane + y * width : nil
                        Self.splitRow(row, width: width, even: split.even(r), odd: split.odd(r), count: rowLength)
                    }
                    let destination = transformed + channel * tiles + bandRow * across
                    for group in 0..<groups {
                        Self.transformTiles(split, at: 4 * group) { position, values in
                            UnsafeMutableRawPointer(destination + position * stride + 4 * group).storeBytes(of: values, as: SIMD4<Float>.self)
                        }
                    }
                    // The last tiles of a row not a multiple of four wide: the split rows are zero-padded.
                    let done = 4 * groups
                    if done < across {
                        Self.transformTiles(split, at: done) { position, values in
                            for lane in 0..<(across - done) { destination[position * stride + done + lane] = values[lane] }
                        }
                    }
                }
                channel += 1
            }
        }
    }

    /// The even and odd padded columns of the four input rows of one tile row.
    private struct SplitRows {
        let even: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)
        let odd: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)

        func even(_ r: Int) -> UnsafeMutablePointer<Float> { Self.element(r, of: even) }
        func odd(_ r: Int) -> UnsafeMutablePointer<Float> { Self.element(r, of: odd) }

        private static func element(
            _ r: Int,
            of rows: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)
        ) -> UnsafeMutablePointer<Float> {
            switch r {
            case 0: rows.0
            case 1: rows.1
            case 2: rows.2
            default: rows.3
            }
        }
    }

    /// Splits a row of `width` values (nil: outside the image) into its padded even and odd
    /// columns: even[k] = row[2k - 1], odd[k] = row[2k], zero outside the row up to `count`.
    private static func splitRow(
        _ row: UnsafePointer<Float>?, width: Int, even: UnsafeMutablePointer<Float>, odd: UnsafeMutablePointer<Float>, count: Int
    ) {
        guard let row else {
            even.update(repeating: 0, count: count)
            odd.update(repeating: 0, count: count)
            return
        }
        // Eight values at a time: their even lanes are odd[k...], their odd lanes even[k + 1...].
        var k = 0
        while 2 * k + 8 <= width {
            let values = UnsafeRawPointer(row + 2 * k).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(odd + k).storeBytes(of: values.evenHalf, as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(even + k + 1).storeBytes(of: values.oddHalf, as: SIMD4<Float>.self)
            k += 4
        }
        even[0] = 0
        for j in k..<count {
            odd[j] = 2 * j < width ? row[2 * j] : 0
            if j > k { even[j] = 2 * j - 1 < width ? row[2 * j - 1] : 0 }
        }
    }

    /// (B^T d B)[position] of the four tiles from `t` on, handed to `store` position by position.
    @inline(__always)
    private static func transformTiles(_ rows: SplitRows, at t: Int, store: (Int, SIMD4<Float>) -> Void) {
        @inline(__always)
        func load(_ row: UnsafeMutablePointer<Float>, _ offset: Int) -> SIMD4<Float> {
            UnsafeRawPointer(row + t + offset).loadUnaligned(as: SIMD4<Float>.self)
        }
        // d B for each input row: (d0 - d2, d1 + d2, d2 - d1, d1 - d3), d = (e[t], o[t], e[t+1], o[t+1]).
        @inline(__always)
        func across(_ even: UnsafeMutablePointer<Float>, _ odd: UnsafeMutablePointer<Float>)
            -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
            let (e0, o0, e1, o1) = (load(even, 0), load(odd, 0), load(even, 1), load(odd, 1))
            return (e0 - e1, o0 + e1, e1 - o0, o0 - o1)
        }
        let h0 = across(rows.even.0, rows.odd.0)
        let h1 = across(rows.even.1, rows.odd.1)
        let h2 = across(rows.even.2, rows.odd.2)
        let h3 = across(rows.even.3, rows.odd.3)
        // B^T down the rows, the same combinations.
        store(0, h0.0 - h2.0); store(1, h0.1 - h2.1); store(2, h0.2 - h2.2); store(3, h0.3 - h2.3)
        store(4, h1.0 + h2.0); store(5, h1.1 + h2.1); store(6, h1.2 + h2.2); store(7, h1.3 + h2.3)
        store(8, h2.0 - h1.0); store(9, h2.1 - h1.1); store(10, h2.2 - h1.2); store(11, h2.3 - h1.3)
        store(12, h1.0 - h3.0); store(13, h1.1 - h3.1); store(14, h1.2 - h3.2); store(15, h1.3 - h3.3)
    }

    /// Writes A^T M A + bias, each tile's 2 x 2 output block, clipped to the image: a last tile
    /// row below an odd height writes its lower row to `spareRow`, a last tile column beyond an odd
    /// width only its left column.
    private func transformOutput(
        _ products: UnsafePointer<Float>, tiling: WinogradTiling, tileRows: Range<Int>,
        biases: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, spareRow: UnsafeMutablePointer<Float>
    ) {
        let (height, width, across) = (tiling.height, tiling.width, tiling.tilesAcross)
        let tiles = tileRows.count * across
        let stride = outputChannels * tiles
        let groups = across / 4
        for channel in 0..<outputChannels {
            let bias = SIMD4<Float>(repeating: biases[channel])
            let plane = output + channel * height * width
            for (bandRow, tileRow) in tileRows.enumerated() {
                let m = products + channel * tiles + bandRow * across
                let top = plane + 2 * tileRow * width
                let bottom = 2 * tileRow + 1 < height ? top + width : spareRow
                for group in 0..<groups {
                    let t = 4 * group
                    let y = Self.outputBlocks { position in
                        UnsafeRawPointer(m + position * stride + t).loadUnaligned(as: SIMD4<Float>.self)
                    }
                    Self.storeInterleaved(y.topLeft + bias, y.topRight + bias, at: top + 2 * t)
                    Self.storeInterleaved(y.bottomLeft + bias, y.bottomRight + bias, at: bottom + 2 * t)
                }
                // The last tiles of a row not a multiple of four wide, the last one maybe half outside.
                let done = 4 * groups
                guard done < across else { continue }
                let y = Self.outputBlocks { position in
                    var values = SIMD4<Float>()
                    for lane in 0..<(across - done) { values[lane] = m[position * stride + done + lane] }
                    return values
                }
                for lane in 0..<(across - done) {
                    let column = 2 * (done + lane)
                    top[column] = y.topLeft[lane] + bias[lane]
                    bottom[column] = y.bottomLeft[lane] + bias[lane]
                    if column + 1 < width {
                        top[column + 1] = y.topRight[lane] + bias[lane]
                        bottom[column + 1] = y.bottomRight[lane] + bias[lane]
                    }
                }
            }
        }
    }

    /// The 2 x 2 output blocks of four tiles.
    private struct OutputBlocks {
        let topLeft, topRight, bottomLeft, bottomRight: SIMD4<Float>
    }

    /// A^T m A for four tiles, m[position] given by `load`.
    @inline(__always)
    private static func outputBlocks(_ load: (Int) -> SIMD4<Float>) -> OutputBlocks {
        // A^T down the rows: (m0 + m1 + m2, m1 - m2 - m3) for each column, then along the columns.
        let (m4, m5, m6, m7) = (load(4), load(5), load(6), load(7))
        let (m8, m9, m10, m11) = (load(8), load(9), load(10), load(11))
        let s00 = load(0) + m4 + m8, s01 = load(1) + m5 + m9, s02 = load(2) + m6 + m10, s03 = load(3) + m7 + m11
        let s10 = m4 - m8 - load(12), s11 = m5 - m9 - load(13), s12 = m6 - m10 - load(14), s13 = m7 - m11 - load(15)
        return OutputBlocks(
            topLeft: s00 + s01 + s02, topRight: s01 - s02 - s03,
            bottomLeft: s10 + s11 + s12, bottomRight: s11 - s12 - s13)
    }

    /// Writes left[0], right[0], left[1], right[1], ... : four tiles' two columns of one row.
    @inline(__always)
    private static func storeInterleaved(_ left: SIMD4<Float>, _ right: SIMD4<Float>, at row: UnsafeMutablePointer<Float>) {
        let raw = UnsafeMutableRawPointer(row)
        raw.storeBytes(of: SIMD4(left[0], right[0], left[1], right[1]), as: SIMD4<Float>.self)
        raw.storeBytes(of: SIMD4(left[2], right[2], left[3], right[3]), toByteOffset: 16, as: SIMD4<Float>.self)
    }
}
