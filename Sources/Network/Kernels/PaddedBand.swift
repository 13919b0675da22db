/// The input of a band of output rows as CKernels' gathered product reads it instead of an
/// im2col matrix: the band's input rows, each channel's zero-padded by the kernel's reach on every
/// side, and for each (input channel, tap) the offset of its value from an output pixel's place.
///
/// The im2col matrix repeats every input value once per tap (25 times for a 5 x 5 kernel); the
/// padded rows hold it once and stay in the level-1 cache while the product reads them.
struct PaddedBand {
    let kernelSize: Int
    let inputChannels: Int
    let width: Int
    /// Floats between consecutive padded rows.
    let rowStride: Int
    /// Floats between consecutive channels' padded rows: room for the tallest band's.
    let channelStride: Int
    /// For reduction step (channel x kernelSize + tap row) x kernelSize + tap column, the floats
    /// from an output pixel's place in the padded rows to that tap's input value.
    let offsets: [Int32]

    /// The padded band of a kernelSize x kernelSize kernel over `inputChannels` channels, for
    /// bands of at most `maximumRows` rows of `width` pixels.
    init(kernelSize: Int, inputChannels: Int, width: Int, maximumRows: Int) {
        (self.kernelSize, self.inputChannels, self.width) = (kernelSize, inputChannels, width)
        let (rowStride, channelStride) = Self.strides(kernelSize: kernelSize, width: width, maximumRows: maximumRows)
        (self.rowStride, self.channelStride) = (rowStride, channelStride)
        offsets = (0..<inputChannels).flatMap { channel in
            (0..<kernelSize).flatMap { tapRow in
                (0..<kernelSize).map { tapColumn in
                    Int32(kernelArgument: channel * channelStride + tapRow * rowStride + tapColumn)
                }
            }
        }
    }

    /// Floats the padded rows take.
    var count: Int { inputChannels * channelStride }

    /// `count` of a padded band of these sizes, before it is made.
    static func count(kernelSize: Int, inputChannels: Int, width: Int, maximumRows: Int) -> Int {
        inputChannels * strides(kernelSize: kernelSize, width: width, maximumRows: maximumRows).channel
    }

    /// `rowStride` and `channelStride`: a row and the tallest band with the kernel's reach on each side.
    private static func strides(kernelSize: Int, width: Int, maximumRows: Int) -> (row: Int, channel: Int) {
        let row = width + kernelSize - 1
        return (row, (maximumRows + kernelSize - 1) * row)
    }

    /// Writes the padded input rows of output rows `rows` of `inputs` (height x width planes) into
    /// `destination`: zero where a row or column lies outside the image.
    func fill(_ destination: UnsafeMutablePointer<Float>, from inputs: [ChannelSlab], height: Int, rows: Range<Int>) {
        let padding = kernelSize / 2
        var channelStart = destination
        for input in inputs {
            for channel in 0..<input.channels {
                let plane = input.values + channel * height * width
                var target = channelStart
                for sourceRow in (rows.lowerBound - padding)..<(rows.upperBound + padding) {
                    if sourceRow < 0 || sourceRow >= height {
                        target.update(repeating: 0, count: rowStride)
                    } else {
                        target.update(repeating: 0, count: padding)
                        (target + padding).update(from: plane + sourceRow * width, count: width)
                        (target + padding + width).update(repeating: 0, count: padding)
                    }
                    target += rowStride
                }
                channelStart += channelStride
            }
        }
    }
}
