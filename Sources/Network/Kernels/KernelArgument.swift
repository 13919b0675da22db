extension Int32 {
    /// A size, count or offset handed to CKernels or BLAS, which take `int32_t`.
    ///
    /// Each is at most one of: an image plane's pixel count (`PredictionShape` keeps it within
    /// `Int32.max`), a channel count or a reduction length (channels x at most 25 taps, with
    /// channels at most twice `UniverSegArchitecture.maximumWidth`), or a float of one thread's
    /// scratch (`UniverSegNetwork.queriesPerBatch` keeps that count within `Int32.max`). So a value
    /// out of range here is a bug in those checks, never bad input.
    init(kernelArgument value: Int) {
        precondition(
            value >= 0 && value <= Int(Int32.max),
            "kernel argument \(value) escaped the checks that keep kernel sizes within Int32")
        self.init(truncatingIfNeeded: value)
    }
}
