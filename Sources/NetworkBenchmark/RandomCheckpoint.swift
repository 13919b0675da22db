import Diagnostics
import Network

extension Checkpoint {
    /// A checkpoint of `architecture` with seeded pseudo-random weights (uniform, scaled by
    /// 1 / sqrt(fan-in) as PyTorch's default initialisation is): for benchmarks, where only the
    /// shapes matter, and nothing else.
    public init(randomWeightsOf architecture: UniverSegArchitecture, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
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
