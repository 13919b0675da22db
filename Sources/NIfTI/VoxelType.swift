/// The NIfTI datatypes, named as numpy names them.
public enum VoxelType: Int, Sendable, CaseIterable {
    case uint8 = 2
    case int16 = 4
    case int32 = 8
    case float32 = 16
    case complex64 = 32
    case float64 = 64
    case rgb24 = 128
    case int8 = 256
    case uint16 = 512
    case uint32 = 768
    case int64 = 1024
    case uint64 = 1280
    case float128 = 1536
    case complex128 = 1792
    case complex256 = 2048
    case rgba32 = 2304

    /// The numpy-style name ("uint8", "int16", "float32", ...).
    public var name: String { String(describing: self) }

    /// Bytes per voxel in the file.
    public var byteCount: Int {
        switch self {
        case .uint8, .int8: 1
        case .int16, .uint16: 2
        case .rgb24: 3
        case .int32, .uint32, .float32, .rgba32: 4
        case .int64, .uint64, .float64, .complex64: 8
        case .float128, .complex128: 16
        case .complex256: 32
        }
    }

    /// Whether uvseg reads it as a scalar image (every real type up to 64 bits).
    public var isSupportedScalar: Bool {
        switch self {
        case .uint8, .int8, .int16, .uint16, .int32, .uint32, .int64, .uint64, .float32, .float64: true
        case .complex64, .complex128, .complex256, .rgb24, .rgba32, .float128: false
        }
    }
}
