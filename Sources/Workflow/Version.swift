import CVersion

/// uvseg's version, the one the library reports (`uvs_version`) and the command prints
/// (`uvseg --version`): the UVS_VERSION_* macros of include/uvseg.h, where alone it is written.
public enum UVSegVersion {
    public static let major: Int32 = UVS_VERSION_MAJOR
    public static let minor: Int32 = UVS_VERSION_MINOR
    public static let patch: Int32 = UVS_VERSION_PATCH
    /// "MAJOR.MINOR.PATCH", in static storage, so the C layer can hand out its address.
    public static var cText: UnsafePointer<CChar> { uvseg_version_text() }
    /// "MAJOR.MINOR.PATCH".
    public static var text: String { String(cString: cText) }
}
