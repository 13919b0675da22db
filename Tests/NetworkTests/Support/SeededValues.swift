import Diagnostics
@testable import Network

/// Deterministic pseudo-random values for synthetic networks and images (SplitMix64).
struct SeededValues {
    private var generator: SplitMix64

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// A value uniform in [low, high).
    mutating func next(in range: Range<Float>) -> Float {
        range.lowerBound + Float(generator.next() >> 40) / Float(1 << 24) * (range.upperBound - range.lowerBound)
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
