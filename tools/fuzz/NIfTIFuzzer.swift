// libFuzzer entry point over uvseg's NIfTI reader (built and run by `tools/fuzz.sh nifti`).
//
// Each input is written to a temporary file (named .nii.gz when it starts with the gzip magic,
// else .nii) and pushed through everything a caller can reach with a hostile file: the header
// checks, reading every volume, statistics, axis codes and reorientation to RAS and back. Any
// crash, sanitizer report or trap is a bug; thrown UVSegErrors are the expected outcome.

import Diagnostics
import NIfTI

#if canImport(Glibc)
import Glibc
#endif

private let plainPath = "/tmp/uvseg-nifti-fuzz-\(getpid()).nii"
private let gzipPath = plainPath + ".gz"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = size >= 2 && data[0] == 0x1f && data[1] == 0x8b ? gzipPath : plainPath
    guard let file = fopen(path, "wb") else { return 0 }
    fwrite(data, 1, size, file)
    fclose(file)
    defer { unlink(path) }
    exercise(path)
    return 0
}

private func exercise(_ path: String) {
    guard let file = try? NIfTIFile(path: path) else { return }
    _ = try? file.statistics()
    guard let volume = try? file.volume(at: file.volumeCount - 1) else { return }
    _ = try? volume.geometry.axisCodes
    if let (ras, reorientation) = try? volume.reorientedToRAS() {
        _ = try? reorientation.restore(ras)
    }
}
