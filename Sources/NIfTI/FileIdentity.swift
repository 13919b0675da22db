#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file a path names: its device and inode, so that two different spellings of one file
/// (a hard link, a symbolic link, `./scan.nii` and `scan.nii`) are found to be the same.
///
/// Writers compare an output's identity with their inputs' to refuse writing over an input.
public struct FileIdentity: Hashable, Sendable {
    private let device: UInt64
    private let inode: UInt64

    /// The identity of the file at `path` (links followed), or nil when nothing is there.
    public init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
