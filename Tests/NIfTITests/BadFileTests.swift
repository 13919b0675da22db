import Diagnostics
import Foundation
import Testing
@testable import NIfTI

/// Hostile and damaged files: each gives a clear error of the right kind, never a crash.
@Suite("Bad NIfTI files")
struct BadFileTests {
    /// Writes `file` as bad.nii and returns the error reading its header and first volume gives.
    private func readError(_ file: NIfTIBytes, in folder: TemporaryFolder) throws -> UVSegError? {
        let path = folder.file("bad.nii")
        try file.write(to: path)
        return caughtError { try NIfTIFile(path: path).volume() }
    }

    private func int16File(_ dims: [Int], voxels: Int) -> NIfTIBytes {
        var file = NIfTIBytes(dims: dims)
        file.data = file.encode([Int16](repeating: 1, count: voxels))
        return file
    }

    @Test("truncated voxel data is refused before reading, with the sizes in the message")
    func truncated() throws {
        let folder = try TemporaryFolder()
        var file = int16File([3, 4, 4, 4], voxels: 64)
        file.data.removeLast(3)
        let error = try readError(file, in: folder)
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains("is truncated: its header describes 128 bytes") == true)
    }

    @Test("a truncated .nii.gz is found while reading")
    func truncatedGzip() throws {
        let folder = try TemporaryFolder()
        var file = int16File([3, 64, 64, 4], voxels: 64 * 64 * 4)
        file.data.removeLast(1000)
        try writeGzip(file.bytes, to: folder.file("short.nii.gz"))
        let error = caughtError { try NIfTIFile(path: folder.file("short.nii.gz")).volume() }
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains("truncated: volume 0 of its voxel data ends after") == true)
    }

    @Test("a gzip stream cut in the middle is a bad format, not partial data")
    func cutGzipStream() throws {
        let folder = try TemporaryFolder()
        var file = NIfTIBytes(dims: [3, 32, 32, 8])
        file.data = file.encode((0..<(32 * 32 * 8)).map { _ in Int16.random(in: .min ... .max) })
        try writeGzip(file.bytes, to: folder.file("whole.nii.gz"))
        let compressed = try folder.bytes("whole.nii.gz")
        try Data(compressed.prefix(compressed.count / 2)).write(to: URL(fileURLWithPath: folder.file("cut.nii.gz")))
        let error = caughtError { try NIfTIFile(path: folder.file("cut.nii.gz")).volume() }
        #expect(error?.kind == .badFormat)
        #expect(error.map { $0.message.contains("truncated") || $0.message.contains("gzip") } == true)
    }

    @Test("an unreadable gzip stream is a bad format")
    func corruptGzip() throws {
        let folder = try TemporaryFolder()
        let garbage: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3] + [UInt8](repeating: 0xff, count: 600)
        try Data(garbage).write(to: URL(fileURLWithPath: folder.file("corrupt.nii.gz")))
        let error = caughtError { try NIfTIFile(path: folder.file("corrupt.nii.gz")) }
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains("not a readable gzip stream") == true)
    }

    @Test("wrong magic, wrong header size and short files are not NIfTI")
    func notNIfTI() throws {
        let folder = try TemporaryFolder()
        var wrongMagic = int16File([3, 1, 1, 1], voxels: 1)
        wrongMagic.magic = "abc"
        let magicError = try readError(wrongMagic, in: folder)
        #expect(magicError?.kind == .badFormat)
        #expect(magicError?.message.contains("is not a NIfTI file") == true)

        try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: folder.file("noise.nii")))
        let noiseError = caughtError { try NIfTIFile(path: folder.file("noise.nii")) }
        #expect(noiseError?.kind == .badFormat)
        #expect(noiseError?.message.contains("is not a NIfTI file") == true)

        try Data(repeating: 0, count: 100).write(to: URL(fileURLWithPath: folder.file("short.nii")))
        let shortError = caughtError { try NIfTIFile(path: folder.file("short.nii")) }
        #expect(shortError?.kind == .badFormat)
        #expect(shortError?.message.contains("too short for a NIfTI header: 100 bytes") == true)
    }

    @Test("dims that would need more than the memory limit are refused before allocating")
    func allocationBomb() throws {
        let folder = try TemporaryFolder()
        let error = try readError(int16File([3, 32767, 32767, 32767], voxels: 1), in: folder)
        #expect(error?.kind == .outOfMemory)
        #expect(error?.message.contains("uvseg reads at most 4.0 GiB per volume") == true)
    }

    @Test("NIfTI-2 dims whose product overflows are refused")
    func overflowingDims() throws {
        let folder = try TemporaryFolder()
        var file = int16File([4, 1 << 40, 1 << 40, 1 << 40, 1 << 40], voxels: 1)
        file.version = 2
        let error = try readError(file, in: folder)
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains("describe more data than a file can hold") == true)
    }

    @Test("zero or negative dims and a bad dim[0] are refused", arguments: [[3, 4, 0, 2], [3, 4, -2, 2], [9, 1, 1, 1], [0, 1, 1, 1]])
    func badDims(dims: [Int]) throws {
        let folder = try TemporaryFolder()
        let error = try readError(int16File(dims, voxels: 8), in: folder)
        #expect(error?.kind == .badFormat)
        let expected = (1...7).contains(dims[0]) ? "every dimension must be at least 1" : "needs 1 to 7 dimensions"
        #expect(error?.message.contains(expected) == true)
    }

    @Test("complex, RGB and float128 data are unsupported; unknown codes are bad", arguments: [
        (32, "complex64"), (128, "rgb24"), (1536, "float128"), (2304, "rgba32"), (1792, "complex128"), (17, "unknown"),
    ])
    func unsupportedTypes(code: Int, name: String) throws {
        let folder = try TemporaryFolder()
        var file = int16File([3, 1, 1, 1], voxels: 16)
        file.datatype = code
        let error = try readError(file, in: folder)
        if name == "unknown" {
            #expect(error?.kind == .badFormat)
            #expect(error?.message.contains("unknown datatype code 17") == true)
        } else {
            #expect(error?.kind == .unsupported)
            #expect(error?.message.contains("holds \(name) voxels") == true)
        }
    }

    @Test("an impossible vox_offset is refused")
    func hugeOffset() throws {
        let folder = try TemporaryFolder()
        var file = int16File([3, 1, 1, 1], voxels: 1)
        file.voxOffset = 1e30
        var bytes = file.bytes
        bytes.removeLast(bytes.count - 352)
        bytes += [1, 0]
        try Data(bytes).write(to: URL(fileURLWithPath: folder.file("o.nii")))
        let error = caughtError { try NIfTIFile(path: folder.file("o.nii")) }
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains("impossible vox_offset") == true)
    }

    @Test("a .hdr without its .img, and a missing file, are I/O errors")
    func missingFiles() throws {
        let folder = try TemporaryFolder()
        var pair = int16File([3, 1, 1, 1], voxels: 1)
        pair.magic = "ni1"
        try pair.write(to: folder.file("lonely.hdr"))
        try FileManager.default.removeItem(atPath: folder.file("lonely.img"))
        let pairError = caughtError { try NIfTIFile(path: folder.file("lonely.hdr")) }
        #expect(pairError?.kind == .io)
        #expect(pairError?.message.contains("cannot find the image file") == true)

        let missing = caughtError { try NIfTIFile(path: folder.file("absent.nii")) }
        #expect(missing?.kind == .io)
        #expect(missing?.message.contains("no such file") == true)

        let empty = caughtError { try NIfTIFile(path: "") }
        #expect(empty?.kind == .invalidArgument)
    }

    @Test("random bytes after a valid header never crash the reader")
    func randomHeaders() throws {
        let folder = try TemporaryFolder()
        let valid = int16File([3, 2, 2, 2], voxels: 8).bytes
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var bytes = valid
            for _ in 0..<8 { bytes[Int.random(in: 0..<348, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            try Data(bytes).write(to: URL(fileURLWithPath: folder.file("r.nii")))
            if let file = try? NIfTIFile(path: folder.file("r.nii")) { _ = try? file.statistics() }
        }
    }
}
