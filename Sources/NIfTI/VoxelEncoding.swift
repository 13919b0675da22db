import Diagnostics

/// Writes Float voxels as the output datatypes (uint8, uint16, float32), in this machine's byte
/// order (the header is written in the same order), streamed through a bounded buffer.
struct VoxelEncoding {
    let datatype: VoxelType

    /// Writes `voxels`, already checked to fit `datatype`, to `file`.
    func write(_ voxels: [Float], to file: CompressedFile) throws(UVSegError) {
        let voxelBytes = datatype.byteCount
        let voxelsPerChunk = (1 << 20) / voxelBytes
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: voxelsPerChunk * voxelBytes, alignment: 16)
        defer { chunk.deallocate() }
        var done = 0
        while done < voxels.count {
            let count = min(voxelsPerChunk, voxels.count - done)
            for index in 0..<count {
                let value = voxels[done + index]
                let offset = index * voxelBytes
                switch datatype {
                case .uint8: chunk.storeBytes(of: UInt8(value), toByteOffset: offset, as: UInt8.self)
                case .uint16: chunk.storeBytes(of: UInt16(value), toByteOffset: offset, as: UInt16.self)
                default: chunk.storeBytes(of: value, toByteOffset: offset, as: Float.self)
                }
            }
            try file.write(UnsafeRawBufferPointer(rebasing: chunk.prefix(count * voxelBytes)))
            done += count
        }
    }
}
