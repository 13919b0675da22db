import Diagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file all at once or not at all: into a hidden temporary file in the same folder, which
/// is renamed over the destination only once everything has been written, flushed and synced. On
/// any error the temporary file is removed and an existing destination is left untouched. (A
/// process killed mid-write can leave the hidden `.NAME.uvseg-XXXXXX` file behind, never a
/// partial NAME.)
enum AtomicFile {
    static func write(
        to path: String, compressed: Bool, _ body: (CompressedFile) throws(UVSegError) -> Void
    ) throws(UVSegError) {
        let temporary = try makeTemporaryFile(beside: path)
        do throws(UVSegError) {
            let file = try CompressedFile(writing: temporary, compressed: compressed)
            try body(file)
            try file.close()
            try sync(temporary)
            guard rename(temporary, path) == 0 else {
                throw .io("cannot move the finished file to \(path): \(FileSystem.lastErrorText())")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Creates an empty, uniquely named, world-readable file next to `path` and returns its name.
    private static func makeTemporaryFile(beside path: String) throws(UVSegError) -> String {
        let folder = FileSystem.folder(of: path)
        var template = Array("\(folder)/.\(FileSystem.fileName(of: path)).uvseg-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard descriptor >= 0 else {
            throw .io("cannot create a file in \(folder): \(FileSystem.lastErrorText())")
        }
        fchmod(descriptor, 0o644)
        close(descriptor)
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Pushes the file's contents to the disk so the rename never exposes an empty file after a crash.
    private static func sync(_ path: String) throws(UVSegError) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .io("cannot reopen \(path): \(FileSystem.lastErrorText())") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io("cannot sync \(path): \(FileSystem.lastErrorText())") }
    }
}
