import Diagnostics

/// The weights of a stride-1 convolution with zero padding size / 2, laid out as a GEMM operand:
/// one row per output channel, each row the input channels' size x size taps.
struct ConvolutionKernel: Sendable {
    let outputChannels: Int
    let inputChannels: Int
    /// The square kernel's side: 3 or 1 from a checkpoint, 5 when composed.
    let size: Int
    let weights: [Float]
    /// The same convolution in the Winograd domain, for 3 x 3 kernels with enough input channels.
    let winograd: WinogradKernel?
    /// `weights` packed for CKernels' gathered product, for the other kernels larger than 1 x 1
    /// (empty for the rest).
    let panels: [Float]

    /// A kernel from a checked [out, in, size, size] checkpoint tensor.
    init(_ tensor: CheckpointTensor, name: String) throws(UVSegError) {
        guard tensor.shape.count == 4, tensor.shape[2] == tensor.shape[3], [1, 3].contains(tensor.shape[2]),
              tensor.values.count == tensor.shape.reduce(1, *)
        else {
            throw .badFormat("tensor '\(name)' of shape \(tensor.shape) is not a 3 x 3 or 1 x 1 convolution weight")
        }
        self.init(outputChannels: tensor.shape[0], inputChannels: tensor.shape[1], size: tensor.shape[2], weights: tensor.values)
    }

    init(outputChannels: Int, inputChannels: Int, size: Int, weights: [Float]) {
        self.outputChannels = outputChannels
        self.inputChannels = inputChannels
        self.size = size
        self.weights = weights
        winograd = size == 3 && inputChannels >= WinogradKernel.minimumInputChannels
            ? WinogradKernel(outputChannels: outputChannels, inputChannels: inputChannels, weights: weights) : nil
        panels = size > 1 && winograd == nil
            ? PanelPacking.packed(weights[...], rows: outputChannels, columns: inputChannels * size * size) : []
    }

    /// Rows of the im2col matrix this kernel multiplies: input channels x taps.
    var reductionLength: Int { inputChannels * size * size }

    /// The kernel restricted to input channels `channels`: convolution is linear, so a convolution
    /// of concat(a, b) is the sum of the two halves' convolutions of a and of b.
    func selectingInputChannels(_ channels: Range<Int>) -> ConvolutionKernel {
        let taps = size * size
        var selected: [Float] = []
        selected.reserveCapacity(outputChannels * channels.count * taps)
        for output in 0..<outputChannels {
            let row = output * reductionLength
            selected += weights[(row + channels.lowerBound * taps)..<(row + channels.upperBound * taps)]
        }
        return ConvolutionKernel(outputChannels: outputChannels, inputChannels: channels.count, size: size, weights: selected)
    }
}
