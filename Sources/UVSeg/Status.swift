import Workflow

/// The status codes of the C contract (`uvs_status` in include/uvseg.h); the values are ABI.
enum Status: Int32, CaseIterable {
    case ok = 0
    case invalidArgument = 1
    case io = 2
    case badFormat = 3
    case unsupported = 4
    case outOfMemory = 5
    case cancelled = 6

    init(_ kind: UVSegError.Kind) {
        switch kind {
        case .invalidArgument: self = .invalidArgument
        case .io: self = .io
        case .badFormat: self = .badFormat
        case .unsupported: self = .unsupported
        case .outOfMemory: self = .outOfMemory
        case .cancelled: self = .cancelled
        }
    }

    /// The name `uvs_status_name` returns: the enumerator's name in the header.
    var name: StaticString {
        switch self {
        case .ok: "UVS_OK"
        case .invalidArgument: "UVS_ERROR_INVALID_ARGUMENT"
        case .io: "UVS_ERROR_IO"
        case .badFormat: "UVS_ERROR_BAD_FORMAT"
        case .unsupported: "UVS_ERROR_UNSUPPORTED"
        case .outOfMemory: "UVS_ERROR_OUT_OF_MEMORY"
        case .cancelled: "UVS_ERROR_CANCELLED"
        }
    }
}
