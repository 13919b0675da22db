import CKernels

/// What a convolution does with each output value y (bias included) as it writes it, so that the
/// elementwise step after a convolution costs no extra pass over memory.
///
/// Pointers address maps laid out like the convolution's output; each value is computed exactly
/// as the separate elementwise step would compute it.
enum ConvolutionEpilogue {
    /// output = y.
    case store
    /// output = LeakyReLU(y): a cross block's target and support outputs.
    case leakyReLU
    /// output = y and sum += y: a member's V_k while summing the members'.
    case summing(into: UnsafeMutablePointer<Float>)
    /// output = base + y and sum += y: a member's Z_k = P + V_k while summing the members' V_k.
    case summingWithBase(UnsafePointer<Float>, into: UnsafeMutablePointer<Float>)
    /// sum += LeakyReLU(y), output left as it is (the Winograd kernels) or LeakyReLU(y): a member's
    /// U_k' where only the members' sum is kept.
    case activatedSumming(into: UnsafeMutablePointer<Float>)

    /// Finishes one value bound for output offset `offset`; returns what to store.
    @inline(__always)
    func finish(_ y: Float, at offset: Int) -> Float {
        switch self {
        case .store:
            return y
        case .leakyReLU:
            return LeakyReLU.activate(y)
        case .summing(let sum):
            sum[offset] += y
            return y
        case .summingWithBase(let base, let sum):
            sum[offset] += y
            return base[offset] + y
        case .activatedSumming(let sum):
            let activated = LeakyReLU.activate(y)
            sum[offset] += activated
            return activated
        }
    }

    /// Applies the epilogue in place to `count` values already written at output offset `offset`.
    func applyInPlace(_ output: UnsafeMutablePointer<Float>, offset: Int, count: Int) {
        if case .store = self { return }
        for index in offset..<(offset + count) {
            output[index] = finish(output[index], at: index)
        }
    }

    /// The epilogue as CKernels takes it: its kind, and the base and sum maps it reads.
    var kernelArguments: (uvseg_epilogue_kind, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) {
        switch self {
        case .store: (UVSEG_EPILOGUE_STORE, nil, nil)
        case .leakyReLU: (UVSEG_EPILOGUE_LEAKY_RELU, nil, nil)
        case .summing(let sum): (UVSEG_EPILOGUE_SUMMING, nil, sum)
        case .summingWithBase(let base, let sum): (UVSEG_EPILOGUE_SUMMING_BASE, base, sum)
        case .activatedSumming(let sum): (UVSEG_EPILOGUE_ACTIVATED_SUM, nil, sum)
        }
    }
}
