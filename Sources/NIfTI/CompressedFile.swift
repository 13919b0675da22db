import CNIfTI
import Diagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened through znzlib: gzip-compressed when its name ends in `.gz`, plain otherwise.
/// Every short read or write and every zlib error becomes a `UVSegError`.
final class CompressedFile {
    private var handle: znzFile?  // nil once closed
    let path: String

    /// Opens `path` for reading; `.io` unless it is a regular file.
    init(reading path: String) throws(UVSegError) {
        self.path = path
        // znzopen opens by name and would wait forever on a FIFO, so the name is checked first.
        _ = try RegularFile(reading: path, what: "NIfTI file")
        handle = znzopen(path, "rb", FileSystem.isGzipName(path) ? 1 : 0)
        guard handle != nil else { throw .io("cannot open \(path): \(FileSystem.lastErrorText())") }
    }

    /// Opens (truncates) `path` for writing, gzip-compressed when `compressed`.
    init(writing path: String, compressed: Bool) throws(UVSegError) {
        self.path = path
        handle = znzopen(path, "wb", compressed ? 1 : 0)
        guard handle != nil else { throw .io("cannot write \(path): \(FileSystem.lastErrorText())") }
    }

    deinit { if handle != nil { Xznzclose(&handle) } }

    /// Reads up to `buffer.count` bytes; returns how many came (fewer only at the end of the data).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(UVSegError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = znzread(base, 1, buffer.count, handle)
        guard count >= 0, count <= buffer.count else {
            throw .badFormat("\(path) is not a readable gzip stream (corrupt or cut short)")
        }
        return count
    }

    /// Moves to byte `offset` of the (decompressed) data.
    func seek(to offset: Int) throws(UVSegError) {
        // znzseek returns fseek's 0 for a plain file but gzseek's new offset for a gzip file; the
        // position afterwards is what both agree on.
        _ = znzseek(handle, numericCast(offset), SEEK_SET)
        guard Int(znztell(handle)) == offset else {
            throw .badFormat("\(path) ends before byte \(offset), where its voxel data should start")
        }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(UVSegError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard znzwrite(base, 1, bytes.count, handle) == bytes.count else {
            throw .io("cannot write \(path): \(FileSystem.lastErrorText())")
        }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws(UVSegError) {
        let written = bytes.withUnsafeBytes { raw in
            raw.baseAddress.map { znzwrite($0, 1, raw.count, handle) } ?? 0
        }
        guard written == bytes.count else { throw .io("cannot write \(path): \(FileSystem.lastErrorText())") }
    }

    /// Flushes and closes; for a gzip file this writes its trailer, so its failure is a write failure.
    func close() throws(UVSegError) {
        guard handle != nil else { return }
        guard Xznzclose(&handle) == 0 else {
            throw .io("cannot finish writing \(path): \(FileSystem.lastErrorText())")
        }
    }
}
