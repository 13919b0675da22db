import Diagnostics

/// The entries of a zip archive as PyTorch writes them: read through the central directory,
/// stored (uncompressed) entries only, ZIP64 records honoured.
///
/// Nothing read from the file is trusted: every offset and size is checked against the buffer
/// before use, and anything uvseg cannot read faithfully (compression, encryption, split archives)
/// is refused with `.unsupported` rather than misread.
struct ZipArchive {
    /// Entry name -> the byte range of its contents in the archive buffer.
    private let entries: [String: Range<Int>]
    private let archive: BoundedBytes

    private enum Signature {
        static let localHeader: UInt32 = 0x0403_4b50
        static let centralHeader: UInt32 = 0x0201_4b50
        static let endOfCentralDirectory: UInt32 = 0x0605_4b50
        static let zip64EndOfCentralDirectory: UInt32 = 0x0606_4b50
        static let zip64Locator: UInt32 = 0x0706_4b50
    }

    private static let endRecordSize = 22
    private static let centralHeaderSize = 46
    private static let localHeaderSize = 30
    /// Fields that say "the real value is in the ZIP64 extra field or record".
    private static let overflow16: UInt16 = 0xFFFF
    private static let overflow32: UInt32 = 0xFFFF_FFFF

    /// The archive in `bytes`; its table of entries is charged to `budget`.
    init(bytes: [UInt8], budget: inout MemoryBudget) throws(UVSegError) {
        archive = BoundedBytes(bytes[...], subject: "the checkpoint archive")
        let directory = try Self.centralDirectory(archive)
        var entries: [String: Range<Int>] = [:]
        var offset = directory.offset
        for _ in 0..<directory.count {
            let (name, contents, size) = try Self.centralEntry(archive, at: offset)
            try budget.charge(
                name.utf8.count + MemoryLayout<(String, Range<Int>)>.stride, of: 1, for: "the checkpoint archive's entries")
            guard entries.updateValue(contents, forKey: name) == nil else {
                throw .badFormat("the checkpoint archive holds the entry '\(name)' twice")
            }
            offset += size
        }
        self.entries = entries
    }

    /// Every entry name, in no particular order.
    var names: Dictionary<String, Range<Int>>.Keys { entries.keys }

    /// The contents of the entry `name`, or nil when the archive has no such entry.
    func contents(of name: String) -> ArraySlice<UInt8>? {
        guard let range = entries[name] else { return nil }
        return try? archive.bytes(at: range.lowerBound, count: range.count)
    }

    // MARK: - Central directory

    private struct Directory {
        var count: Int
        var offset: Int
    }

    /// Finds the end-of-central-directory record (the archive may end in a comment of up to 64 KiB)
    /// and, where present, the ZIP64 record that supersedes it.
    private static func centralDirectory(_ archive: BoundedBytes) throws(UVSegError) -> Directory {
        guard archive.count >= endRecordSize else {
            throw .badFormat(
                "the checkpoint is not a zip archive: it is only \(archive.count) bytes long")
        }
        let lowest = max(0, archive.count - endRecordSize - Int(UInt16.max))
        var end = archive.count - endRecordSize
        while try archive.uint32(at: end) != Signature.endOfCentralDirectory {
            guard end > lowest else {
                throw .badFormat(
                    "the checkpoint is not a complete zip archive: no end-of-central-directory "
                        + "record was found (the file may be truncated)")
            }
            end -= 1
        }
        guard try archive.uint16(at: end + 4) == 0, try archive.uint16(at: end + 6) == 0 else {
            throw .unsupported("the checkpoint is a multi-part zip archive; uvseg reads single files")
        }
        let count16 = try archive.uint16(at: end + 10)
        let size32 = try archive.uint32(at: end + 12)
        let offset32 = try archive.uint32(at: end + 16)

        var directory = Directory(count: Int(count16), offset: Int(offset32))
        var size = Int(size32)
        let locator = end - 20
        if locator >= 0, try archive.uint32(at: locator) == Signature.zip64Locator {
            let record = try checkedInt(archive.uint64(at: locator + 8), "ZIP64 record offset")
            guard try archive.uint32(at: record) == Signature.zip64EndOfCentralDirectory else {
                throw .badFormat("the checkpoint archive's ZIP64 locator points to no ZIP64 record")
            }
            directory.count = try checkedInt(archive.uint64(at: record + 32), "entry count")
            size = try checkedInt(archive.uint64(at: record + 40), "central directory size")
            directory.offset = try checkedInt(archive.uint64(at: record + 48), "central directory offset")
        } else if count16 == overflow16 || size32 == overflow32 || offset32 == overflow32 {
            throw .badFormat("the checkpoint archive needs ZIP64 records but has none")
        }
        // The directory must lie inside the file and have room for every entry it announces.
        _ = try archive.bytes(at: directory.offset, count: size)
        guard directory.count <= size / centralHeaderSize else {
            throw .badFormat(
                "the checkpoint archive announces \(directory.count) entries in a "
                    + "\(size)-byte central directory")
        }
        return directory
    }

    /// One central-directory entry: its name, the range of its contents, and the entry's own size.
    private static func centralEntry(_ archive: BoundedBytes, at offset: Int) throws(UVSegError)
        -> (name: String, contents: Range<Int>, size: Int)
    {
        guard try archive.uint32(at: offset) == Signature.centralHeader else {
            throw .badFormat("the checkpoint archive's central directory is corrupt at offset \(offset)")
        }
        let flags = try archive.uint16(at: offset + 8)
        let method = try archive.uint16(at: offset + 10)
        var compressedSize = UInt64(try archive.uint32(at: offset + 20))
        var uncompressedSize = UInt64(try archive.uint32(at: offset + 24))
        let nameLength = Int(try archive.uint16(at: offset + 28))
        let extraLength = Int(try archive.uint16(at: offset + 30))
        let commentLength = Int(try archive.uint16(at: offset + 32))
        var localOffset = UInt64(try archive.uint32(at: offset + 42))

        let nameBytes = try archive.bytes(at: offset + centralHeaderSize, count: nameLength)
        guard let name = String(validating: nameBytes, as: UTF8.self) else {
            throw .badFormat("the checkpoint archive has an entry name that is not UTF-8")
        }
        // ZIP64 extra field: 64-bit values, in this order, for exactly the fields that overflowed.
        let extra = try archive.window(
            at: offset + centralHeaderSize + nameLength, count: extraLength, subject: "the zip entry '\(name)'")
        if let zip64 = try zip64Field(in: extra) {
            var position = 0
            func next() throws(UVSegError) -> UInt64 {
                defer { position += 8 }
                return try zip64.uint64(at: position)
            }
            if uncompressedSize == UInt64(overflow32) { uncompressedSize = try next() }
            if compressedSize == UInt64(overflow32) { compressedSize = try next() }
            if localOffset == UInt64(overflow32) { localOffset = try next() }
        }

        guard flags & 0x1 == 0 else {
            throw .unsupported("the checkpoint archive's entry '\(name)' is encrypted")
        }
        guard method == 0 else {
            throw .unsupported(
                "the checkpoint archive's entry '\(name)' is compressed (zip method \(method)); "
                    + "uvseg reads the uncompressed archives torch.save writes")
        }
        guard compressedSize == uncompressedSize else {
            throw .badFormat("the checkpoint archive's stored entry '\(name)' has inconsistent sizes")
        }
        let contents = try localContents(
            archive, at: checkedInt(localOffset, "entry offset"),
            count: checkedInt(compressedSize, "entry size"), name: name)
        return (name, contents, centralHeaderSize + nameLength + extraLength + commentLength)
    }

    /// The ZIP64 extended-information field (header id 1) among an entry's extra fields.
    private static func zip64Field(in extra: BoundedBytes) throws(UVSegError) -> BoundedBytes? {
        var position = 0
        while position + 4 <= extra.count {
            let id = try extra.uint16(at: position)
            let size = Int(try extra.uint16(at: position + 2))
            if id == 1 { return try extra.window(at: position + 4, count: size, subject: extra.subject) }
            position += 4 + size
        }
        return nil
    }

    /// The contents' range: after the local header, whose own name and extra lengths (torch pads
    /// the extra field to align storages) may differ from the central directory's.
    private static func localContents(_ archive: BoundedBytes, at offset: Int, count: Int, name: String)
        throws(UVSegError) -> Range<Int>
    {
        guard try archive.uint32(at: offset) == Signature.localHeader else {
            throw .badFormat("the checkpoint archive's entry '\(name)' has no local header at offset \(offset)")
        }
        let nameLength = Int(try archive.uint16(at: offset + 26))
        let extraLength = Int(try archive.uint16(at: offset + 28))
        let start = offset + localHeaderSize + nameLength + extraLength
        _ = try archive.bytes(at: start, count: count)
        return start..<start + count
    }

    private static func checkedInt(_ value: UInt64, _ what: String) throws(UVSegError) -> Int {
        guard let result = Int(exactly: value) else {
            throw .badFormat("the checkpoint archive's \(what) (\(value)) is out of range")
        }
        return result
    }
}
