/// A 3 x 3 convolution's weights in the Winograd domain of F(4 x 4, 3 x 3): each 4 x 4 block of
/// output pixels costs 36 multiplications per (input, output) channel pair instead of 144.
///
/// The transform is built on the interpolation points 0, 1, -1, 1/2, -2 and infinity, chosen for
/// float32 accuracy: run through the published network, its logits stay closer to a float64
/// evaluation than PyTorch's own float32 direct convolution does (the usual points 0, +-1, +-2
/// lose about 1.5x more). Transformed weights U = G g G^T, one [outputChannels x inputChannels]
/// GEMM operand for each of the 36 positions of the 6 x 6 transform, computed in double precision.
package struct WinogradKernel: Sendable {
    /// Below this many input channels the GEMMs are too thin for the transforms to pay.
    package static let minimumInputChannels = 8
    /// Output pixels along each side of a tile.
    static let outputTile = 4
    /// Input pixels along each side of a tile: the output tile and the 3 x 3 kernel's reach.
    static let inputTile = 6
    /// Positions of the 6 x 6 transformed tile.
    static let positions = 36

    /// G (6 x 3): the weight transform.
    static let weightTransform: [[Double]] = [
        [1, 0, 0],
        [1.0 / 3, 1.0 / 3, 1.0 / 3],
        [-1.0 / 3, 1.0 / 3, -1.0 / 3],
        [-16.0 / 15, -8.0 / 15, -4.0 / 15],
        [1.0 / 15, -2.0 / 15, 4.0 / 15],
        [0, 0, 1],
    ]

    let outputChannels: Int
    let inputChannels: Int
    /// For each position, the [output x input] matrix packed as CKernels' matrix product takes it:
    /// panels of UVSEG_PANEL_ROWS output rows, each input step's rows together.
    let transformedWeights: [Float]

    /// The transform of `weights`, laid out [output][input][3][3].
    init(outputChannels: Int, inputChannels: Int, weights: [Float]) {
        self.outputChannels = outputChannels
        self.inputChannels = inputChannels
        let g = Self.weightTransform
        let pairs = outputChannels * inputChannels
        var transformed = [Float](repeating: 0, count: Self.positions * pairs)
        for pair in 0..<pairs {
            let taps = weights[(pair * 9)..<(pair * 9 + 9)].map(Double.init)
            for row in 0..<Self.inputTile {
                for column in 0..<Self.inputTile {
                    var sum = 0.0
                    for a in 0..<3 {
                        for b in 0..<3 {
                            sum += g[row][a] * taps[a * 3 + b] * g[column][b]
                        }
                    }
                    transformed[(row * Self.inputTile + column) * pairs + pair] = Float(sum)
                }
            }
        }
        transformedWeights = (0..<Self.positions).flatMap { position in
            PanelPacking.packed(
                transformed[(position * pairs)..<((position + 1) * pairs)], rows: outputChannels, columns: inputChannels)
        }
    }
}

/// How F(4 x 4, 3 x 3) cuts an image into bands of 4 x 4 output tiles, each band one set of GEMMs
/// on one thread. The band size depends only on the image width, never on the thread count.
struct WinogradTiling {
    /// Tiles per band at most: enough columns for sgemm to run near its peak, few enough that a
    /// band's transformed tiles stay near the core.
    static let bandTiles = 32
    /// Tiles per band at least, where the image has them: the matrix product's widest panel (16
    /// columns). Narrower bands ran encoder block 3 (16 x 16) at half the rate of the others.
    static let minimumBandTiles = 16

    let height: Int
    let width: Int

    var tilesAcross: Int { (width + 3) / 4 }
    var tileRows: Int { (height + 3) / 4 }
    /// At most half the tile rows, so that two threads share even a small image, unless that
    /// leaves a band fewer than `minimumBandTiles` tiles.
    var tileRowsPerBand: Int {
        let widest = max(1, min(Self.bandTiles / tilesAcross, (tileRows + 1) / 2))
        let narrowest = (Self.minimumBandTiles + tilesAcross - 1) / tilesAcross
        return min(max(widest, narrowest), tileRows)
    }
    var bandCount: Int { (tileRows + tileRowsPerBand - 1) / tileRowsPerBand }
    var maximumBandTiles: Int { tileRowsPerBand * tilesAcross }

    /// The tile rows of band `band`.
    func tileRows(ofBand band: Int) -> Range<Int> {
        let first = band * tileRowsPerBand
        return first..<min(first + tileRowsPerBand, tileRows)
    }

    /// Floats of one phase of a split row: a padded column before the first tile, and zeros up to
    /// a whole group of eight tiles plus one (the kernels read eight tiles at a time).
    var phaseLength: Int { (tilesAcross + 7) / 8 * 8 + 1 }
    /// Floats of one split row: its four phases.
    var splitRowLength: Int { 4 * phaseLength }
    /// Input rows a band reads: four per tile row and the kernel's reach above and below.
    var inputRowsPerBand: Int { 4 * tileRowsPerBand + 2 }

    /// Floats between consecutive positions of a band's transformed input or products, for
    /// `channels` x `tiles` values per position: whole 4 KiB pages and one cache line more. The
    /// transforms touch all 36 positions of a tile at once; positions a multiple of 4 KiB apart
    /// would all fall into one set of the level-1 cache and evict one another.
    static func positionStride(channels: Int, tiles: Int) -> Int {
        let page = 1024, line = 16
        return (channels * tiles + page - 1) / page * page + line
    }

    /// Scratch floats per thread for a convolution from `inputChannels` to `outputChannels`: the
    /// transformed input and products of one band, the band's split input rows of one channel
    /// (later a spare output row) and the six combined rows of one tile row.
    func scratchCount(inputChannels: Int, outputChannels: Int) -> Int {
        WinogradKernel.positions
            * (Self.positionStride(channels: inputChannels, tiles: maximumBandTiles)
                + Self.positionStride(channels: outputChannels, tiles: maximumBandTiles))
            + (inputRowsPerBand + 6) * splitRowLength
    }
}
