import Foundation

/// A NIfTI-1 or NIfTI-2 file spelled out byte by byte from the standard's field offsets, so tests
/// can write any header, including hostile ones, without the library's own layout code.
struct NIfTIBytes {
    var version = 1
    var bigEndian = false
    var dims: [Int] = [3, 2, 3, 4]
    var datatype = 4
    var bitpix = 16
    var pixdim: [Double] = [1, 1, 1, 1, 1, 1, 1, 1]
    var voxOffset: Double? = nil
    var slope = 0.0
    var intercept = 0.0
    var qformCode = 0
    var sformCode = 0
    /// quatern_b, c, d, qoffset_x, y, z.
    var quaternion: [Double] = [0, 0, 0, 0, 0, 0]
    var sform: [Double] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]
    var xyztUnits = 10
    var intentCode = 0
    var description = ""
    /// nil: "n+1"/"n+2" (single file).
    var magic: String? = nil
    /// The voxel data, already in the file's byte order.
    var data: [UInt8] = []

    var headerSize: Int { version == 1 ? 348 : 540 }
    var isPair: Bool { (magic ?? "n+").dropFirst().first == "i" }

    /// The header (and for a single file the 4 extension bytes and the data).
    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: headerSize)
        let magicText = magic ?? "n+\(version)"
        if version == 1 {
            put(&out, 0, Int32(348))
            for (index, value) in dims.prefix(8).enumerated() { put(&out, 40 + 2 * index, Int16(truncatingIfNeeded: value)) }
            put(&out, 68, Int16(intentCode))
            put(&out, 70, Int16(datatype))
            put(&out, 72, Int16(bitpix))
            for (index, value) in pixdim.enumerated() { put(&out, 76 + 4 * index, Float(value)) }
            put(&out, 108, Float(voxOffset ?? (isPair ? 0 : 352)))
            put(&out, 112, Float(slope))
            put(&out, 116, Float(intercept))
            out[123] = UInt8(xyztUnits)
            text(&out, 148, description, 80)
            put(&out, 252, Int16(qformCode))
            put(&out, 254, Int16(sformCode))
            for (index, value) in quaternion.enumerated() { put(&out, 256 + 4 * index, Float(value)) }
            for (index, value) in sform.enumerated() { put(&out, 280 + 4 * index, Float(value)) }
            text(&out, 344, magicText, 4)
        } else {
            put(&out, 0, Int32(540))
            text(&out, 4, magicText, 8)
            for (index, byte) in [UInt8(0x0D), 0x0A, 0x1A, 0x0A].enumerated() { out[8 + index] = byte }
            put(&out, 12, Int16(datatype))
            put(&out, 14, Int16(bitpix))
            for (index, value) in dims.prefix(8).enumerated() { put(&out, 16 + 8 * index, Int64(value)) }
            for (index, value) in pixdim.enumerated() { put(&out, 104 + 8 * index, value) }
            put(&out, 168, Int64(voxOffset ?? (isPair ? 0 : 544)))
            put(&out, 176, slope)
            put(&out, 184, intercept)
            text(&out, 240, description, 80)
            put(&out, 344, Int32(qformCode))
            put(&out, 348, Int32(sformCode))
            for (index, value) in quaternion.enumerated() { put(&out, 352 + 8 * index, value) }
            for (index, value) in sform.enumerated() { put(&out, 400 + 8 * index, value) }
            put(&out, 500, Int32(xyztUnits))
            put(&out, 504, Int32(intentCode))
        }
        if isPair { return out }
        let offset = min(voxOffset ?? Double(headerSize + 4), Double(1 << 20))
        out += [UInt8](repeating: 0, count: max(0, Int(offset) - out.count))
        return out + data
    }

    /// Writes the file(s) at `path` (`x.nii`, or `x.hdr` plus `x.img` for a pair).
    func write(to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if isPair {
            let image = String(path.dropLast(4)) + ".img"
            try Data(data).write(to: URL(fileURLWithPath: image))
        }
    }

    /// `values` in this file's byte order.
    func encode<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in
            withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { Array($0) }
        }
    }

    func encode(_ values: [Float]) -> [UInt8] { encode(values.map(\.bitPattern)) }
    func encode(_ values: [Double]) -> [UInt8] { encode(values.map(\.bitPattern)) }

    private func put<T: FixedWidthInteger>(_ out: inout [UInt8], _ offset: Int, _ value: T) {
        let bytes = withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { Array($0) }
        out.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }

    private func put(_ out: inout [UInt8], _ offset: Int, _ value: Float) { put(&out, offset, value.bitPattern) }
    private func put(_ out: inout [UInt8], _ offset: Int, _ value: Double) { put(&out, offset, value.bitPattern) }

    private func text(_ out: inout [UInt8], _ offset: Int, _ value: String, _ capacity: Int) {
        for (index, byte) in value.utf8.prefix(capacity).enumerated() { out[offset + index] = byte }
    }
}
