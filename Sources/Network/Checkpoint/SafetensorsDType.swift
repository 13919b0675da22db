/// The safetensors element types uvseg converts to float32.
enum SafetensorsDType: String, Sendable, CaseIterable {
    case float32 = "F32"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case float64 = "F64"

    var byteCount: Int {
        switch self {
        case .float16, .bfloat16: 2
        case .float32: 4
        case .float64: 8
        }
    }

    /// Converts little-endian elements of this type to float32; `bytes.count` is a multiple of
    /// `byteCount`.
    func decode(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        let count = bytes.count / byteCount
        return [Float](unsafeUninitializedCapacity: count) { values, initialized in
            for index in 0..<count {
                let offset = index * byteCount
                values[index] = switch self {
                case .float32:
                    Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                case .float16:
                    HalfPrecision.float(fromFloat16Bits: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case .bfloat16:
                    HalfPrecision.float(fromBFloat16Bits: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case .float64:
                    Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
                }
            }
            initialized = count
        }
    }
}
