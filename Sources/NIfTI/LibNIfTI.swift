import CNIfTI

/// Small adapters over libnifti's C conventions.
enum LibNIfTI {
    /// Turns off libnifti's messages on stderr; uvseg reports through `UVSegError` instead. The
    /// level is a global of libnifti's, set once (a lazy static is initialised exactly once, also
    /// when several threads get here together).
    static func silence() { _ = silenced }

    private static let silenced: Void = nifti_set_debug_level(0)
}
