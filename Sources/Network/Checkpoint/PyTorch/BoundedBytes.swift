import Diagnostics

/// A window on a byte buffer whose every read is bounds-checked.
///
/// Checkpoints are hostile input: offsets and sizes read from a file are only trusted after they
/// have been checked against the window, so a broken or crafted file throws `.badFormat` instead
/// of trapping. Offsets are relative to the window's start.
struct BoundedBytes {
    private let storage: ArraySlice<UInt8>
    /// What the window holds, for error messages ("the checkpoint archive", "the pickle").
    let subject: String

    init(_ bytes: ArraySlice<UInt8>, subject: String) {
        self.storage = bytes
        self.subject = subject
    }

    var count: Int { storage.count }

    /// The `count` bytes at `offset`, or `.badFormat` when any of them lies outside the window.
    func bytes(at offset: Int, count: Int) throws(UVSegError) -> ArraySlice<UInt8> {
        guard offset >= 0, count >= 0, offset <= storage.count, count <= storage.count - offset else {
            throw .badFormat(
                "\(subject) is truncated or corrupt: it claims \(count) bytes at offset \(offset), "
                    + "but holds only \(storage.count) bytes")
        }
        let start = storage.startIndex + offset
        return storage[start..<start + count]
    }

    func uint16(at offset: Int) throws(UVSegError) -> UInt16 {
        UInt16(truncatingIfNeeded: try littleEndian(at: offset, count: 2))
    }

    func uint32(at offset: Int) throws(UVSegError) -> UInt32 {
        UInt32(truncatingIfNeeded: try littleEndian(at: offset, count: 4))
    }

    func uint64(at offset: Int) throws(UVSegError) -> UInt64 {
        try littleEndian(at: offset, count: 8)
    }

    /// A sub-window; `subject` names it in later errors.
    func window(at offset: Int, count: Int, subject: String) throws(UVSegError) -> BoundedBytes {
        BoundedBytes(try bytes(at: offset, count: count), subject: subject)
    }

    private func littleEndian(at offset: Int, count: Int) throws(UVSegError) -> UInt64 {
        try bytes(at: offset, count: count).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
