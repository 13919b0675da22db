/// The storage classes a state dict of floating-point tensors refers to, and how their elements
/// become float32.
enum TorchStorageType: String, CaseIterable {
    case float = "FloatStorage"
    case half = "HalfStorage"
    case bfloat16 = "BFloat16Storage"
    case double = "DoubleStorage"

    /// Bytes per element.
    var elementSize: Int {
        switch self {
        case .half, .bfloat16: 2
        case .float: 4
        case .double: 8
        }
    }

    /// Element `index` of `bytes` as float32 (float64 rounds to nearest, as torch's `.float()`).
    /// The caller guarantees that the element lies inside `bytes`.
    func element(_ index: Int, of bytes: ArraySlice<UInt8>, bigEndian: Bool) -> Float {
        let start = bytes.startIndex + index * elementSize
        var bits: UInt64 = 0
        for offset in 0..<elementSize {
            let byte = bytes[start + (bigEndian ? offset : elementSize - 1 - offset)]
            bits = bits << 8 | UInt64(byte)
        }
        switch self {
        case .float: return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
        case .half: return HalfPrecision.float(fromFloat16Bits: UInt16(truncatingIfNeeded: bits))
        case .bfloat16: return HalfPrecision.float(fromBFloat16Bits: UInt16(truncatingIfNeeded: bits))
        case .double: return Float(Double(bitPattern: bits))
        }
    }
}
