#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics

/// Whole-file reads with the size checked before anything is allocated.
enum FileBytes {
    /// The bytes of the regular file at `path`; `what` names the file's role in messages.
    static func load(path: String, what: String, maximumSize: Int) throws(UVSegError) -> [UInt8] {
        let file = try RegularFile(reading: path, what: "\(what) file")
        let size = file.size
        guard size > 0 else {
            throw .badFormat("\(what) file '\(path)' is empty")
        }
        guard size <= maximumSize else {
            throw .badFormat("\(what) file '\(path)' is \(size) bytes, more than the \(maximumSize) bytes uvseg accepts")
        }

        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        var failure: String?
        bytes.withUnsafeMutableBytes { buffer in
            while done < size, let base = buffer.baseAddress {
                let count = read(file.descriptor, base + done, size - done)
                if count > 0 {
                    done += count
                } else if count == 0 {
                    failure = "the file ended after \(done) of \(size) bytes"
                    return
                } else if errno != EINTR {
                    failure = systemError()
                    return
                }
            }
        }
        if let failure {
            throw .io("cannot read \(what) file '\(path)': \(failure)")
        }
        return bytes
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
