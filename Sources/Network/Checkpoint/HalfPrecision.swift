/// Exact widening of 16-bit floating-point formats to float32, independent of platform support
/// for `Float16`.
enum HalfPrecision {
    /// IEEE 754 binary16: 1 sign, 5 exponent, 10 fraction bits.
    static func float(fromFloat16Bits bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction x 2^-24, exactly representable in float32.
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // Infinity or NaN, keeping the NaN payload.
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            // Rebias the exponent from 15 to 127.
            return Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)
        }
    }

    /// bfloat16: the upper half of a float32.
    static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
