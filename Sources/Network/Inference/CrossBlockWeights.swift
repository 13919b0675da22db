import Diagnostics

/// One cross block's parameters, with the cross convolution split into its target and support
/// halves: conv(concat(T, U_k), Wc) = conv(T, Wc_T) + conv(U_k, Wc_U).
package struct CrossBlockWeights: Sendable {
    let widths: BlockWidths
    /// Wc restricted to the target stream's channels.
    let crossTarget: ConvolutionKernel
    /// Wc restricted to a support member's channels.
    let crossSupport: ConvolutionKernel
    let crossBias: [Float]
    let target: ConvolutionKernel
    let targetBias: [Float]
    let support: ConvolutionKernel
    let supportBias: [Float]
    /// conv(conv(U_k, Wc_U), Ws) as one 5 x 5 convolution, where that is cheaper than the second
    /// 3 x 3 convolution: encoder block 0, whose members have few channels (docs/DESIGN.md, "The
    /// exact reformulation").
    package let composedSupport: ComposedConvolution?

    /// The block at `position` of `architecture`, from tensors `architecture` was checked against.
    init(_ position: BlockPosition, of architecture: UniverSegArchitecture, tensors: [String: CheckpointTensor]) throws(UVSegError) {
        let names = CrossBlockTensorNames(position)
        let cross = try ConvolutionKernel(tensors.required(names.crossWeight), name: names.crossWeight)
        let targetChannels = architecture.inputChannels(position).target
        widths = architecture.widths(position)
        crossTarget = cross.selectingInputChannels(0..<targetChannels)
        crossSupport = cross.selectingInputChannels(targetChannels..<cross.inputChannels)
        crossBias = try tensors.required(names.crossBias).values
        target = try ConvolutionKernel(tensors.required(names.targetWeight), name: names.targetWeight)
        targetBias = try tensors.required(names.targetBias).values
        support = try ConvolutionKernel(tensors.required(names.supportWeight), name: names.supportWeight)
        supportBias = try tensors.required(names.supportBias).values
        let composedIsCheaper = 25 * crossSupport.inputChannels < 9 * crossSupport.outputChannels
        composedSupport = position == .encoder(0) && composedIsCheaper
            ? ComposedConvolution(outer: support, inner: crossSupport) : nil
    }

    /// Whether members of `height` x `width` take the composed kernel: it exists, and the image's
    /// first and last rows (and columns) are distinct, as its border correction needs.
    package func composesSupport(height: Int, width: Int) -> Bool {
        composedSupport != nil && min(height, width) >= 2
    }
}

extension Dictionary where Key == String, Value == CheckpointTensor {
    /// The tensor named `name`, or `.badFormat` naming it.
    func required(_ name: String) throws(UVSegError) -> CheckpointTensor {
        guard let tensor = self[name] else {
            throw .badFormat("the checkpoint is missing tensor '\(name)'")
        }
        return tensor
    }
}
