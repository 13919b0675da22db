import Diagnostics
import Foundation

/// Writes a command's output files all together or not at all.
enum OutputFiles {
    /// One file to write: its destination and how to write it to a given path.
    struct Output {
        let path: String
        let write: (String) throws(UVSegError) -> Void
    }

    /// Writes each output under a hidden temporary name beside its destination, and renames them
    /// into place only once every one is written; on failure the temporary files are removed and
    /// no destination is touched.
    static func writeAll(_ outputs: [Output]) throws(UVSegError) {
        var written: [(temporary: String, destination: String)] = []
        do throws(UVSegError) {
            for output in outputs {
                let temporary = temporaryPath(beside: output.path)
                try output.write(temporary)
                written.append((temporary, output.path))
            }
            for file in written where rename(file.temporary, file.destination) != 0 {
                throw .io("cannot move the finished file to \(file.destination): \(String(cString: strerror(errno)))")
            }
        } catch {
            for file in written { unlink(file.temporary) }
            throw error
        }
    }

    /// `.NAME.uvseg-PID.nii[.gz]` in the destination's folder, with the destination's extension so
    /// it is written in the same format.
    private static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let suffix = name.lowercased().hasSuffix(".nii.gz") ? ".nii.gz" : ".nii"
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(name).uvseg-\(getpid())\(suffix)").path
    }
}
