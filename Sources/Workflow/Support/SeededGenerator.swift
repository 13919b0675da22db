/// A small, fast random number generator whose sequence depends only on its seed (SplitMix64),
/// so that the same seed selects the same support slices on every platform and Swift version.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// A generator for `seed`, optionally mixed with further numbers (an ensemble member, a label)
    /// so that each gets its own independent sequence.
    init(seed: UInt64, streams: UInt64...) {
        state = seed
        for stream in streams {
            state = Self.mix(state &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1))
        }
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A number in `0..<bound` (`bound` > 0). The modulo bias is below 2^-40 for any array size.
    mutating func index(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// `elements` in a random order (Fisher-Yates, implemented here so the order never changes).
    mutating func shuffled<T>(_ elements: [T]) -> [T] {
        var result = elements
        for upper in stride(from: result.count - 1, to: 0, by: -1) {
            result.swapAt(upper, index(below: upper + 1))
        }
        return result
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
