/// uvseg's version, the one the library reports (`uvs_version`) and the command prints
/// (`uvseg --version`); include/uvseg.h repeats it as UVS_VERSION_* macros, and the C contract
/// test checks that they agree.
public enum UVSegVersion {
    public static let major: Int32 = 0
    public static let minor: Int32 = 1
    public static let patch: Int32 = 0
    /// "MAJOR.MINOR.PATCH", with static storage so the C layer can hand out its address.
    public static let text: StaticString = "0.1.0"
}
