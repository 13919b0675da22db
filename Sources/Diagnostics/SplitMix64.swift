/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast random number generator whose sequence
/// depends only on its seed, the same on every platform and Swift version, so that seeded choices
/// (support slices, benchmark weights, test cases) repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator for `seed`, optionally mixed with further numbers (an ensemble member, a label)
    /// so that each gets its own independent sequence.
    public init(seed: UInt64, streams: UInt64...) {
        state = seed
        for stream in streams {
            state = Self.mix(state &+ Self.increment &* (stream &+ 1))
        }
    }

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    private static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
