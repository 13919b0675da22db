/// The two widths of one cross block: the features of its cross convolution and of its outputs.
public struct BlockWidths: Sendable, Equatable, CustomStringConvertible {
    /// Output channels of the cross convolution (`Fc`).
    public let crossFeatures: Int
    /// Output channels of the target and support convolutions (`Fo`): what the block passes on.
    public let outputFeatures: Int

    public init(crossFeatures: Int, outputFeatures: Int) {
        self.crossFeatures = crossFeatures
        self.outputFeatures = outputFeatures
    }

    public var description: String { "(\(crossFeatures), \(outputFeatures))" }
}
