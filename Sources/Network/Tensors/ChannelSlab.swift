/// Consecutive channel planes of one stream (each height x width, row-major), borrowed for one call.
///
/// A convolution takes a list of slabs and reads them as their channel concatenation, so that
/// concat(upsampled, skip) or concat(image, label) never has to be copied together.
struct ChannelSlab {
    let values: UnsafePointer<Float>
    let channels: Int

    init(values: UnsafePointer<Float>, channels: Int) {
        self.values = values
        self.channels = channels
    }

    init(values: UnsafeMutablePointer<Float>, channels: Int) {
        self.init(values: UnsafePointer(values), channels: channels)
    }
}
