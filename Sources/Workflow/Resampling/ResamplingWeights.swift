/// The filter taps that resize one axis of an image from `sourceCount` to `targetCount` samples.
///
/// Same as PIL's bilinear resize, with which the published model's examples were prepared: pixel
/// centres at half-integers, a triangle filter widened by the shrink factor when shrinking (so it
/// low-pass filters instead of aliasing), taps outside the image dropped and the rest renormalised.
struct ResamplingWeights {
    /// The first source index each target sample reads.
    let firstSource: [Int]
    /// For target sample `t`, `weights[t]` applies to sources `firstSource[t]...`.
    let weights: [[Float]]

    /// Bilinear (triangle-filter) weights; both counts must be at least 1.
    init(linearFrom sourceCount: Int, to targetCount: Int) {
        let scale = Double(sourceCount) / Double(targetCount)
        let filterScale = max(scale, 1)
        let support = filterScale
        var firstSource = [Int]()
        var weights = [[Float]]()
        firstSource.reserveCapacity(targetCount)
        weights.reserveCapacity(targetCount)
        for target in 0..<targetCount {
            // centre lies in [0, sourceCount] and support is at most sourceCount: the window's
            // ends convert to Int whatever the counts.
            let centre = (Double(target) + 0.5) * scale
            let lower = max(Int(centre - support + 0.5), 0)
            let upper = min(Int(centre + support + 0.5), sourceCount)
            // The window always holds the source pixel under the centre, whose tap is positive.
            let taps = (lower..<upper).map { source in
                max(0, 1 - abs((Double(source) - centre + 0.5) / filterScale))
            }
            let total = taps.reduce(0, +)
            firstSource.append(lower)
            weights.append(taps.map { Float($0 / total) })
        }
        self.firstSource = firstSource
        self.weights = weights
    }

    /// Nearest-neighbour weights (one tap of 1 at the source pixel containing the target's centre),
    /// for label maps, whose values must not be blended.
    init(nearestFrom sourceCount: Int, to targetCount: Int) {
        let scale = Double(sourceCount) / Double(targetCount)
        firstSource = (0..<targetCount).map { target in
            min(Int((Double(target) + 0.5) * scale), sourceCount - 1)
        }
        weights = Array(repeating: [1], count: targetCount)
    }
}
