import Diagnostics

/// All parameters of a network, arranged for evaluation.
package struct NetworkWeights: Sendable {
    let encoder: [CrossBlockWeights]
    let decoder: [CrossBlockWeights]
    let output: ConvolutionKernel
    let outputBias: [Float]

    /// The weights of `architecture` from tensors it was checked against.
    init(_ architecture: UniverSegArchitecture, tensors: [String: CheckpointTensor]) throws(UVSegError) {
        encoder = try architecture.encoder.indices.map { (index) throws(UVSegError) in
            try CrossBlockWeights(.encoder(index), of: architecture, tensors: tensors)
        }
        decoder = try architecture.decoder.indices.map { (index) throws(UVSegError) in
            try CrossBlockWeights(.decoder(index), of: architecture, tensors: tensors)
        }
        output = try ConvolutionKernel(tensors.required(OutputTensorNames.weight), name: OutputTensorNames.weight)
        outputBias = try tensors.required(OutputTensorNames.bias).values
    }

    package func block(at position: BlockPosition) -> CrossBlockWeights {
        switch position {
        case .encoder(let index): encoder[index]
        case .decoder(let index): decoder[index]
        }
    }
}
