import Diagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one file or several together, all at once or not at all.
///
/// Each file is written to a hidden temporary file beside its destination (`.NAME.uvseg-XXXXXX`,
/// NAME shortened when the whole would not fit a file name), flushed and synced; only when every
/// one is complete are they renamed into place, one after another. Should a rename fail, the
/// destinations already replaced get their previous files back (each kept under a hidden name, a
/// hard link, until the last rename is done) and those that were new are removed; on any error
/// the temporary files are removed too, so no destination changes. (A process killed mid-write
/// can leave hidden files behind, never a partial file under a destination's name.)
///
/// A new file gets the mode a new file gets from the process's umask (0666 less the umask); a
/// replaced file keeps its permission bits. A destination the process may not write is refused,
/// not replaced.
struct StagedFiles {
    /// A file written in full under a temporary name, not yet in place.
    private struct Staged {
        let temporary: String
        let destination: String
    }

    /// A destination renamed into place, with the hidden name its previous file is kept under.
    private struct Committed {
        let destination: String
        let previous: String?
    }

    private var staged: [Staged] = []

    private init() {}

    /// Writes each of `files` (a destination, whether to gzip it, and what to write into it),
    /// then moves them all into place; on any error no destination has changed.
    static func write(
        _ files: [(destination: String, compressed: Bool, body: (CompressedFile) throws(UVSegError) -> Void)]
    ) throws(UVSegError) {
        var stage = StagedFiles()
        do throws(UVSegError) {
            for file in files { try stage.add(file.destination, compressed: file.compressed, file.body) }
            try stage.commit()
        } catch {
            stage.discard()
            throw error
        }
    }

    /// Writes `destination`'s contents to a new temporary file beside it.
    private mutating func add(
        _ destination: String, compressed: Bool, _ body: (CompressedFile) throws(UVSegError) -> Void
    ) throws(UVSegError) {
        let previousMode = try Self.modeToKeep(at: destination)
        var descriptor: Int32 = -1
        let temporary = try Self.createHiddenName(beside: destination, for: "a file") { name in
            descriptor = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            return descriptor >= 0
        }
        defer { close(descriptor) }
        staged.append(Staged(temporary: temporary, destination: destination))
        if let previousMode, fchmod(descriptor, previousMode) != 0 {
            throw .io("cannot give \(temporary) the mode of \(destination): \(FileSystem.lastErrorText())")
        }
        let file = try CompressedFile(writing: temporary, compressed: compressed)
        try body(file)
        try file.close()
        // The data reach the disk before the rename, so a crash never exposes an empty file.
        guard fsync(descriptor) == 0 else { throw .io("cannot sync \(temporary): \(FileSystem.lastErrorText())") }
    }

    /// Renames every staged file into place, or, when one cannot be, puts back what was replaced.
    private mutating func commit() throws(UVSegError) {
        var committed: [Committed] = []
        do throws(UVSegError) {
            for (index, file) in staged.enumerated() {
                // The last rename needs no way back: nothing after it can fail.
                let isLast = index == staged.count - 1
                let previous = isLast ? nil : try Self.keepPrevious(file.destination)
                guard rename(file.temporary, file.destination) == 0 else {
                    let text = FileSystem.lastErrorText()
                    if let previous { unlink(previous) }
                    throw .io("cannot move the finished file to \(file.destination): \(text)")
                }
                committed.append(Committed(destination: file.destination, previous: previous))
            }
        } catch {
            staged.removeFirst(committed.count)
            for file in committed.reversed() {
                if let previous = file.previous { rename(previous, file.destination) } else { unlink(file.destination) }
            }
            throw error
        }
        staged.removeAll()
        for file in committed { if let previous = file.previous { unlink(previous) } }
    }

    /// Removes the temporary files not yet moved into place.
    private mutating func discard() {
        for file in staged { unlink(file.temporary) }
        staged.removeAll()
    }

    /// The permission bits to give the file that replaces `destination`: nil when there is no regular
    /// file there (the new file keeps the umask's mode); `.io` when it is there but not writable.
    private static func modeToKeep(at destination: String) throws(UVSegError) -> mode_t? {
        var status = stat()
        guard stat(destination, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        guard faccessat(AT_FDCWD, destination, W_OK, AT_EACCESS) == 0 else {
            throw .io(
                "\(destination) is not writable (\(FileSystem.lastErrorText())); uvseg does not replace a file "
                    + "it may not write")
        }
        return status.st_mode & 0o777
    }

    /// A hidden hard link to the file at `destination`, so it can be put back; nil when nothing is there.
    private static func keepPrevious(_ destination: String) throws(UVSegError) -> String? {
        guard FileSystem.exists(destination) else { return nil }
        return try createHiddenName(beside: destination, for: "a link that keeps the previous \(destination)") { name in
            link(destination, name) == 0
        }
    }

    /// Calls `create` with fresh hidden names beside `path` until it makes `what` there (it returns
    /// false with errno EEXIST when the name is taken); returns the name.
    private static func createHiddenName(
        beside path: String, for what: String, _ create: (String) -> Bool
    ) throws(UVSegError) -> String {
        let folder = FileSystem.folder(of: path)
        let prefix = "\(folder)/.\(fittingName(FileSystem.fileName(of: path))).uvseg-"
        for _ in 0..<100 {
            let name = prefix + randomSuffix()
            if create(name) { return name }
            guard errno == EEXIST else { break }
        }
        throw .io("cannot create \(what) in \(folder): \(FileSystem.lastErrorText())")
    }

    /// The longest start of `name` (whole characters) that leaves room in a file name (NAME_MAX
    /// bytes) for the leading dot and the 13 bytes of `.uvseg-XXXXXX`.
    private static func fittingName(_ name: String) -> Substring {
        var end = name.startIndex
        var bytes = 0
        for index in name.indices {
            bytes += name[index].utf8.count
            guard bytes <= Int(NAME_MAX) - 14 else { break }
            end = name.index(after: index)
        }
        return name[..<end]
    }

    private static func randomSuffix() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<6).map { _ in letters[Int.random(in: 0..<letters.count)] })
    }
}
