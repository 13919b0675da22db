import Diagnostics

/// A channels x height x width float32 map in row-major order, zero-filled when made unless made
/// for values that are all written before any is read.
///
/// A reference to its storage: copies share the values. Used by one prediction on one thread.
struct FeatureMap {
    let channels: Int
    let height: Int
    let width: Int
    private let storage: FloatBuffer

    /// A map whose memory comes from `pool` (nil: from the system), zero-filled unless `contents`
    /// says its user writes every value first.
    init(
        channels: Int, height: Int, width: Int, pool: BufferPool? = nil, contents: FloatBuffer.Contents = .zeros
    ) throws(UVSegError) {
        self.channels = channels
        self.height = height
        self.width = width
        storage = try FloatBuffer(count: channels * height * width, pool: pool, contents: contents)
    }

    var values: UnsafeMutablePointer<Float> { storage.values }
    var planeSize: Int { height * width }
    var count: Int { channels * planeSize }

    /// All channels, as one input of a convolution.
    var slab: ChannelSlab { ChannelSlab(values: values, channels: channels) }
}
