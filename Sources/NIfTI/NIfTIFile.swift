import Diagnostics

/// A NIfTI file whose header has been read and checked; its volumes are read on demand.
///
/// Reading is safe on hostile files: the header's sizes are checked against overflow, against
/// `memoryLimit` and (for uncompressed files) against the file size before any voxel memory is
/// allocated, the voxel memory is allocated once (a gzip bomb costs no more than its header
/// says), and data that end early are an error, never zeros. Only regular files are read.
public struct NIfTIFile: Sendable {
    /// The most memory one volume may take as float32: 4 GiB (1 Gi voxels). Headers asking for
    /// more are refused with `.outOfMemory` before anything is allocated.
    public static let memoryLimit = 4 << 30

    /// The checked header.
    public let header: NIfTIHeader

    /// Reads and checks the header of `path`; see `NIfTIHeader.init(contentsOf:)` for the errors.
    public init(path: String) throws(UVSegError) {
        header = try NIfTIHeader(contentsOf: path)
    }

    /// How many 3-D volumes the file holds (1 for a 3-D file).
    public var volumeCount: Int { header.volumeCount }

    /// Reads volume `index` (0 for a 3-D file) as Float, scaled as the header says.
    ///
    /// - Throws: `.invalidArgument` for an index out of range; `.badFormat` when the data end early
    ///   or a gzip stream is corrupt; `.io` when the image file cannot be opened or is not a
    ///   regular file; `.outOfMemory` when the system will not give the volume's memory now.
    public func volume(at index: Int = 0) throws(UVSegError) -> Volume {
        guard index >= 0, index < volumeCount else {
            throw .invalidArgument(
                "volume index \(index) is out of range: \(header.headerPath) holds \(volumeCount) "
                    + "volume\(volumeCount == 1 ? "" : "s") (indices from 0)")
        }
        let file = try CompressedFile(reading: header.imagePath)
        try file.seek(to: header.dataOffset + index * header.bytesPerVolume)
        return try readVolume(index, from: file)
    }

    /// Reads every volume in order, handing each to `body`; one pass over the file, one volume in memory.
    public func forEachVolume(_ body: (Volume) throws(UVSegError) -> Void) throws(UVSegError) {
        let file = try CompressedFile(reading: header.imagePath)
        try file.seek(to: header.dataOffset)
        for index in 0..<volumeCount { try body(readVolume(index, from: file)) }
    }

    /// Reads the volume that starts at the current position of `file`, streaming its bytes through a
    /// bounded buffer into voxel memory allocated once, at the size the header gives (which
    /// `NIfTIHeader` has held to `memoryLimit`).
    private func readVolume(_ index: Int, from file: CompressedFile) throws(UVSegError) -> Volume {
        let total = header.voxelsPerVolume
        try SystemMemory.requireAvailable(
            total * MemoryLayout<Float>.stride, for: "volume \(index) of \(header.imagePath) (\(total) voxels)")
        var failure: UVSegError?
        let voxels = [Float](unsafeUninitializedCapacity: total) { output, initialized in
            do throws(UVSegError) {
                try read(index, from: file, into: UnsafeMutableBufferPointer(rebasing: output.prefix(total)))
                initialized = total
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return Volume(
            size: header.gridSize, voxels: voxels, geometry: header.geometry,
            metadata: header.metadata(volumeIndex: index))
    }

    /// Fills `output` with the decoded voxels of volume `index`, read from `file` in chunks of 1 MiB.
    private func read(
        _ index: Int, from file: CompressedFile, into output: UnsafeMutableBufferPointer<Float>
    ) throws(UVSegError) {
        let decoding = VoxelDecoding(header: header)
        let voxelBytes = header.datatype.byteCount
        let voxelsPerChunk = max(1, (1 << 20) / voxelBytes)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: voxelsPerChunk * voxelBytes, alignment: 16)
        defer { chunk.deallocate() }
        var done = 0
        while done < output.count {
            let count = min(voxelsPerChunk, output.count - done)
            let wanted = count * voxelBytes
            let got = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk.prefix(wanted)))
            guard got == wanted else {
                throw .badFormat(
                    "\(header.imagePath) is truncated: volume \(index) of its voxel data ends after "
                        + "\(done * voxelBytes + got) of its \(header.bytesPerVolume) bytes")
            }
            decoding.decode(
                UnsafeRawBufferPointer(rebasing: chunk.prefix(wanted)),
                into: UnsafeMutableBufferPointer(rebasing: output[done...]))
            done += count
        }
    }
}
