/// Writes a minimal zip archive of stored entries, for handcrafted checkpoints in tests.
/// (CRCs are left zero: the reader under test does not check them.)
enum StoredZipWriter {
    static func archive(_ entries: [(name: String, contents: [UInt8])]) -> [UInt8] {
        var file: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let offset = file.count
            file += le(0x0403_4b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
                + le(entry.contents.count, 4) + le(entry.contents.count, 4) + le(name.count, 2) + le(0, 2)
            file += name + entry.contents
            directory += le(0x0201_4b50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4)
                + le(0, 4) + le(entry.contents.count, 4) + le(entry.contents.count, 4) + le(name.count, 2)
                + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + name
        }
        let directoryOffset = file.count
        file += directory
        file += le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(entries.count, 2) + le(entries.count, 2)
            + le(directory.count, 4) + le(directoryOffset, 4) + le(0, 2)
        return file
    }

    static func le(_ value: Int, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
