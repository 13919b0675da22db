import CNIfTI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small adapters over libnifti's C conventions.
enum LibNIfTI {
    /// Turns off libnifti's messages on stderr; uvseg reports through `UVSegError` instead. The
    /// level is a global of libnifti's, set once (a lazy static is initialised exactly once, also
    /// when several threads get here together).
    static func silence() { _ = silenced }

    private static let silenced: Void = nifti_set_debug_level(0)

    /// Copies a malloc'd C string libnifti returned and frees it; nil for a null pointer.
    static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
