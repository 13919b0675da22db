/// One tensor as a checkpoint stores it, converted to float32, values in row-major (C) order.
public struct CheckpointTensor: Sendable, Equatable {
    public let shape: [Int]
    public let values: [Float]

    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}
