#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading only once it is known to be a regular file.
///
/// Opening a FIFO waits for a writer that may never come, and a device or a folder is no file of
/// data; so the path is opened without blocking and inspected before a byte is read, and anything
/// but a regular file is refused with `.io`. The descriptor is closed when the value goes away.
public struct RegularFile: ~Copyable {
    /// The open descriptor, read-only; reads of a regular file never block, whatever its flags.
    public let descriptor: Int32
    /// The file's size in bytes when it was opened.
    public let size: Int

    /// Opens `path`; `what` names the file's role in messages ("checkpoint file", "NIfTI file").
    public init(reading path: String, what: String) throws(UVSegError) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io("cannot open \(what) '\(path)': \(Self.errorText())") }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let text = Self.errorText()
            close(descriptor)
            throw .io("cannot inspect \(what) '\(path)': \(text)")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .io("\(what) '\(path)' is \(Self.kind(of: status.st_mode)), not a regular file")
        }
        self.descriptor = descriptor
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// What a file that is not a regular one is, for a person.
    private static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }

    /// errno as a sentence ("No such file or directory").
    private static func errorText() -> String { String(cString: strerror(errno)) }
}
