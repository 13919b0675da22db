import Diagnostics

/// The tensors of a trained network as a checkpoint file stores them, converted to float32.
///
/// Two formats are read, recognised from the first bytes rather than the file name: PyTorch's zip
/// serialization of a `state_dict` (`torch.save`, as the UniverSeg authors publish their model) and
/// safetensors. Every size and offset in the file is checked before it is used, and a PyTorch pickle
/// is read without executing anything, so untrusted files are safe to load.
public struct Checkpoint: Sendable {
    /// The largest checkpoint file read (the published UniverSeg model is 4.7 MB).
    public static let maximumFileSize = 1 << 30

    /// Tensors by name (`enc_blocks.0.cross.cross_conv.weight`, ...).
    public let tensors: [String: CheckpointTensor]
    /// Free-form string metadata (a safetensors `__metadata__` map; empty for PyTorch files).
    public let metadata: [String: String]

    public init(tensors: [String: CheckpointTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads a checkpoint from the bytes of a file.
    ///
    /// Throws `.badFormat` for an empty, damaged or unrecognised file and `.unsupported` for a
    /// recognised format uvseg does not read (an old-style PyTorch pickle, an integer tensor).
    public init(bytes: [UInt8]) throws(UVSegError) {
        switch try CheckpointFormat(recognizing: bytes) {
        case .pyTorchZip:
            self.init(tensors: try PyTorchCheckpoint.read(bytes: bytes))
        case .safetensors:
            self = try SafetensorsReader.read(bytes)
        }
    }

    /// Reads the checkpoint file at `path`.
    ///
    /// Throws `.io` when the file cannot be read and `.badFormat` when it is empty or larger than
    /// `maximumFileSize`, besides the errors of `init(bytes:)`.
    public static func load(contentsOf path: String) throws(UVSegError) -> Checkpoint {
        let bytes = try FileBytes.load(path: path, what: "checkpoint", maximumSize: maximumFileSize)
        do {
            return try Checkpoint(bytes: bytes)
        } catch {
            throw UVSegError(error.kind, "\(path): \(error.message)")
        }
    }
}
