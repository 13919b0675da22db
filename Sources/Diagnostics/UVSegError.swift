/// The one error type of every uvseg layer.
///
/// Layers below the C boundary throw it and never print or exit; the C layer turns `kind` into a
/// status code and `message` into the text `uvs_last_error()` returns, and the command line prints
/// `message` and exits non-zero.
public struct UVSegError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, coarsely: one case per status code of the C contract.
    public enum Kind: Sendable, Equatable {
        /// The caller passed something the contract does not allow (null, a bad size, a bad option).
        case invalidArgument
        /// A file could not be opened, read, written or renamed.
        case io
        /// A file or buffer is not what it claims to be (a broken checkpoint, a truncated volume).
        case badFormat
        /// Well-formed, but something uvseg does not handle (a complex-valued volume, a pickle global).
        case unsupported
        /// The work would need more memory than the library allows or the system gives.
        case outOfMemory
        /// A progress callback asked to stop.
        case cancelled
    }

    public let kind: Kind
    /// A sentence for a person: what failed and, where it helps, what to do about it.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public static func invalidArgument(_ message: String) -> UVSegError { .init(.invalidArgument, message) }
    public static func io(_ message: String) -> UVSegError { .init(.io, message) }
    public static func badFormat(_ message: String) -> UVSegError { .init(.badFormat, message) }
    public static func unsupported(_ message: String) -> UVSegError { .init(.unsupported, message) }
    public static func outOfMemory(_ message: String) -> UVSegError { .init(.outOfMemory, message) }
    public static let cancelled = UVSegError(.cancelled, "cancelled by the progress callback")
}
