import Diagnostics
@testable import NIfTI

/// Writes `bytes` gzip-compressed through the library's own znzlib path.
func writeGzip(_ bytes: [UInt8], to path: String) throws {
    let file = try CompressedFile(writing: path, compressed: true)
    try file.write(bytes)
    try file.close()
}

/// The `UVSegError` `body` throws, or nil when it does not throw (or throws something else, which
/// the `kind` checks of the tests then report).
func caughtError<T>(_ body: () throws -> T) -> UVSegError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? UVSegError
    }
}

/// The affine as a 4 x 4 array of rows, for readable comparisons.
func rows(_ affine: [Double]) -> [[Double]] {
    (0..<4).map { Array(affine[($0 * 4)..<($0 * 4 + 4)]) }
}

/// Whether two arrays agree within `tolerance` element-wise.
func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-6) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}
