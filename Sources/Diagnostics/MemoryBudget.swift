/// The memory one call may spend on structures whose size an input decides, charged before each
/// is allocated.
///
/// Swift ends the process when an allocation fails, so a size read from a file, a header or an
/// option is charged here first: a charge past the limit throws `.outOfMemory` naming what was
/// asked for, and nothing is allocated. Arithmetic on the sizes is checked, so an absurd request
/// is measured rather than overflowing.
public struct MemoryBudget: Sendable {
    /// The default limit of one call: 4 GiB, the same as one prediction's working memory.
    public static let defaultLimit = 4 << 30

    /// The most bytes this budget gives out.
    public let limit: Int
    /// The bytes given out so far.
    public private(set) var charged = 0

    /// A budget of `limit` bytes (at least 0).
    public init(limit: Int = defaultLimit) {
        self.limit = max(0, limit)
    }

    /// The bytes still to be had.
    public var remaining: Int { limit - charged }

    /// Charges `count` values of `stride` bytes each for `what` ("the pickle's list", "voxels of
    /// the support pool"); throws `.outOfMemory` naming `what` and the sizes when they do not fit.
    public mutating func charge(_ count: Int, of stride: Int, for what: String) throws(UVSegError) {
        let (bytes, overflow) = max(0, count).multipliedReportingOverflow(by: max(0, stride))
        guard !overflow, count >= 0, bytes <= remaining else {
            let asked = overflow || count < 0 ? "more than \(Self.text(Int.max))" : Self.text(bytes)
            throw .outOfMemory(
                "\(what) would need \(asked), more than the \(Self.text(remaining)) left of the memory limit of "
                    + "\(Self.text(limit))")
        }
        charged += bytes
    }

    /// Gives back `count` values of `stride` bytes charged earlier (when a structure is freed).
    public mutating func release(_ count: Int, of stride: Int) {
        let (bytes, overflow) = max(0, count).multipliedReportingOverflow(by: max(0, stride))
        charged = overflow ? 0 : max(0, charged - bytes)
    }

    /// A byte count for a person: "4.0 GiB", "12 MiB", "1234 bytes".
    public static func text(_ bytes: Int) -> String {
        if bytes >= 1 << 30 {
            let tenths = Int((Double(bytes) / Double(1 << 30) * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) GiB"
        }
        if bytes >= 1 << 20 { return "\(bytes >> 20) MiB" }
        return "\(bytes) bytes"
    }
}
