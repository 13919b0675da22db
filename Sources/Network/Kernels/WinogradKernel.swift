import Glibc
/// A 3 x 3 convolution's weights in the Winograd domain of F(2 x 2, 3 x 3): each 2 x 2 block of
/// output pixels costs 16 multiplications per (input, output) channel pair instead of 36.
///
/// Transformed weights U = G g G^T, one [outputChannels x inputChannels] GEMM operand for each of
/// the 16 positions of the 4 x 4 transform, computed in double precision from the checkpoint's.
/// The transforms of F(2 x 2, 3 x 3) use only 0, +-1 and 1/2, so the convolution keeps the
/// accuracy of the direct form (no large interpolation points as in bigger tiles).
struct WinogradKernel: Sendable {
    /// Below this many input channels the GEMMs are too thin for the transforms to pay.
    static let minimumInputChannels = 8
    /// Positions of the 4 x 4 transformed tile.
    static let positions = 16

    let outputChannels: Int
    let inputChannels: Int
    /// [position][output][input].
    let transformedWeights: [Float]

    /// The transform of `weights`, laid out [output][input][3][3].
    init(outputChannels: Int, inputChannels: Int, weights: [Float]) {
        self.outputChannels = outputChannels
        self.inputChannels = inputChannels
        // G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]].
        let g: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        let pairs = outputChannels * inputChannels
        var transformed = [Float](repeating: 0, count: Self.positions * pairs)
        for pair in 0..<pairs {
            let taps = weights[(pair * 9)..<(pair * 9 + 9)].map(Double.init)
            for row in 0..<4 {
                for column in 0..<4 {
                    var sum = 0.0
                    for a in 0..<3 {
                        for b in 0..<3 {
                            sum += g[row][a] * taps[a * 3 + b] * g[column][b]
                        }
                    }
                    transformed[(row * 4 + column) * pairs + pair] = Float(sum)
                }
            }
        }
        transformedWeights = transformed
    }
}

/// How F(2 x 2, 3 x 3) cuts an image into bands of 2 x 2 output tiles, each band one set of GEMMs
/// on one thread. The band size depends only on the image width, never on the thread count.
struct WinogradTiling {
    /// Tiles per band: enough columns for sgemm to run near its peak, few enough that a band's
    /// transformed tiles stay in cache.
    static let bandTiles = Int(getenv("UVS_BT").map { String(cString: $0) } ?? "128") ?? 128

    let height: Int
    let width: Int

    var tilesAcross: Int { (width + 1) / 2 }
    var tileRows: Int { (height + 1) / 2 }
    var tileRowsPerBand: Int { min(tileRows, max(1, Self.bandTiles / tilesAcross)) }
    var bandCount: Int { (tileRows + tileRowsPerBand - 1) / tileRowsPerBand }
    var maximumBandTiles: Int { tileRowsPerBand * tilesAcross }

    /// The tile rows of band `band`.
    func tileRows(ofBand band: Int) -> Range<Int> {
        let first = band * tileRowsPerBand
        return first..<min(first + tileRowsPerBand, tileRows)
    }

    /// Scratch floats per thread for a convolution from `inputChannels` to `outputChannels`: the
    /// transformed input and products of one band, and the split rows of one tile row.
    func scratchCount(inputChannels: Int, outputChannels: Int) -> Int {
        WinogradKernel.positions * (inputChannels + outputChannels) * maximumBandTiles
            + 8 * Self.splitRowLength(tilesAcross: tilesAcross)
    }

    /// Floats of one split row: a padded column before the first tile, and zeros up to a whole
    /// group of four tiles plus one.
    static func splitRowLength(tilesAcross: Int) -> Int {
        (tilesAcross + 3) / 4 * 4 + 1
    }
}
