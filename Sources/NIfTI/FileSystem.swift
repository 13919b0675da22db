#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file operations the reader and writer need, without Foundation.
enum FileSystem {
    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// Whether a file name says it is gzip-compressed (`.gz`, any case), as libnifti decides it.
    static func isGzipName(_ path: String) -> Bool { path.lowercased().hasSuffix(".gz") }

    /// The folder part of `path` ("." when it has none).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The file name part of `path`.
    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// errno as a sentence ("No such file or directory").
    static func lastErrorText() -> String { String(cString: strerror(errno)) }
}
