import Diagnostics

/// Seeded choices implemented here, not by the standard library, so that the same seed selects
/// the same support slices on every platform and Swift version.
extension SplitMix64 {
    /// A number in `0..<bound` (`bound` > 0). The modulo bias is below 2^-40 for any array size.
    mutating func index(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// `elements` in a random order (Fisher-Yates).
    mutating func shuffled<T>(_ elements: [T]) -> [T] {
        var result = elements
        for upper in stride(from: result.count - 1, to: 0, by: -1) {
            result.swapAt(upper, index(below: upper + 1))
        }
        return result
    }
}
