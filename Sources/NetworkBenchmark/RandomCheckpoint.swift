import Network

extension Checkpoint {
    /// A checkpoint of `architecture` with seeded pseudo-random weights (uniform, scaled by
    /// 1 / sqrt(fan-in) as PyTorch's default initialisation is): for benchmarks, where only the
    /// shapes matter, and nothing else.
    public init(randomWeightsOf architecture: UniverSegArchitecture, seed: UInt64) {
        var generator = SplitMix64(state: seed)
        var tensors: [String: CheckpointTensor] = [:]
        for (name, shape) in architecture.tensorShapes {
            let fanIn = shape.count == 4 ? shape[1] * shape[2] * shape[3] : 1
            let bound = 1 / Float(fanIn).squareRoot()
            let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: -bound...bound, using: &generator) }
            tensors[name] = CheckpointTensor(shape: shape, values: values)
        }
        self.init(tensors: tensors)
    }
}

/// SplitMix64: a small, fast, seeded generator; the same seed gives the same weights everywhere.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
