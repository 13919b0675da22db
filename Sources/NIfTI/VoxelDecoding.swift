/// Turns stored voxel bytes (any supported datatype, either byte order) into Float with the
/// header's scaling applied, as nibabel's `get_fdata` computes it (in Double, then rounded to Float).
struct VoxelDecoding {
    let datatype: VoxelType
    let isByteSwapped: Bool
    let scaling: Scaling

    init(header: NIfTIHeader) {
        datatype = header.datatype
        isByteSwapped = header.isByteSwapped
        scaling = header.scaling
    }

    /// Decodes `raw.count / datatype.byteCount` voxels from `raw` into the start of `output`.
    func decode(_ raw: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Float>) {
        switch datatype {
        case .uint8: convert(raw, UInt8.self, into: output) { Double($0) }
        case .int8: convert(raw, Int8.self, into: output) { Double($0) }
        case .int16: convert(raw, Int16.self, into: output) { Double($0) }
        case .uint16: convert(raw, UInt16.self, into: output) { Double($0) }
        case .int32: convert(raw, Int32.self, into: output) { Double($0) }
        case .uint32: convert(raw, UInt32.self, into: output) { Double($0) }
        case .int64: convert(raw, Int64.self, into: output) { Double($0) }
        case .uint64: convert(raw, UInt64.self, into: output) { Double($0) }
        case .float32: convert(raw, UInt32.self, into: output) { Double(Float(bitPattern: $0)) }
        case .float64: convert(raw, UInt64.self, into: output) { Double(bitPattern: $0) }
        case .complex64, .complex128, .complex256, .rgb24, .rgba32, .float128:
            // Never reached: NIfTIHeader refuses these types before any data is read.
            output.update(repeating: 0)
        }
    }

    /// Loads each `Stored` (unaligned, swapped when needed), maps it to Double, scales, rounds to Float.
    private func convert<Stored: FixedWidthInteger>(
        _ raw: UnsafeRawBufferPointer, _: Stored.Type, into output: UnsafeMutableBufferPointer<Float>,
        value: (Stored) -> Double
    ) {
        let stride = MemoryLayout<Stored>.size
        let count = min(raw.count / stride, output.count)
        let swap = isByteSwapped
        let (slope, intercept) = scaling.isApplied ? (scaling.slope, scaling.intercept) : (1, 0)
        for index in 0..<count {
            let stored = raw.loadUnaligned(fromByteOffset: index * stride, as: Stored.self)
            output[index] = Float(value(swap ? stored.byteSwapped : stored) * slope + intercept)
        }
    }
}
