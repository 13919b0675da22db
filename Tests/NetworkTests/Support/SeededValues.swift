@testable import Network

/// Deterministic pseudo-random values for synthetic networks and images (SplitMix64).
struct SeededValues {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A value uniform in [low, high).
    mutating func next(in range: Range<Float>) -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        return range.lowerBound + Float(mixed >> 40) / Float(1 << 24) * (range.upperBound - range.lowerBound)
    }

    mutating func values(_ count: Int, in range: Range<Float>) -> [Float] {
        (0..<count).map { _ in next(in: range) }
    }

    /// Tensors for `architecture` with weights scaled by fan-in, so activations stay near 1.
    mutating func tensors(for architecture: UniverSegArchitecture) -> [String: CheckpointTensor] {
        var tensors: [String: CheckpointTensor] = [:]
        for (name, shape) in architecture.tensorShapes {
            let count = shape.reduce(1, *)
            let fanIn = shape.count == 4 ? Float(shape[1] * shape[2] * shape[3]) : 1
            let scale = name.hasSuffix("bias") ? 0.1 : (3 / fanIn).squareRoot()
            tensors[name] = CheckpointTensor(shape: shape, values: values(count, in: -scale..<scale))
        }
        return tensors
    }
}
