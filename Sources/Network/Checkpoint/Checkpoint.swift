import Diagnostics

/// The tensors of a trained network as a checkpoint file stores them, converted to float32.
///
/// Two formats are read, recognised from the first bytes rather than the file name: PyTorch's zip
/// serialization of a `state_dict` (`torch.save`, as the UniverSeg authors publish their model) and
/// safetensors. Every size and offset in the file is checked before it is used, and a PyTorch pickle
/// is read without executing anything, so untrusted files are safe to load. What reading allocates
/// is charged first to a memory budget that grows with the file (`readingMemoryLimit`), so a small
/// hostile file cannot make the process ask for more than it could legitimately need.
public struct Checkpoint: Sendable {
    /// The largest checkpoint file read (the published UniverSeg model is 4.7 MB).
    public static let maximumFileSize = 1 << 30
    /// Memory for reading a checkpoint besides the file itself: the structures of a small file.
    public static let readingMemoryBase = 64 << 20
    /// Memory for reading a checkpoint per byte of the file. Values take at most 4 bytes per byte
    /// (a .pt file's tensors hold at most one value per byte of the file, a safetensors file's at most
    /// one per 2 bytes), the rest is room for the pickle or header that describes them.
    public static let readingMemoryPerFileByte = 8

    /// The most memory reading a checkpoint of `fileSize` bytes may take:
    /// `readingMemoryBase + readingMemoryPerFileByte * fileSize`, at most `MemoryBudget.defaultLimit`.
    public static func readingMemoryLimit(fileSize: Int) -> Int {
        min(MemoryBudget.defaultLimit, readingMemoryBase + readingMemoryPerFileByte * min(fileSize, maximumFileSize))
    }

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
    /// Throws `.badFormat` for an empty, damaged or unrecognised file, `.unsupported` for a
    /// recognised format uvseg does not read (an old-style PyTorch pickle, an integer tensor) and
    /// `.outOfMemory` when reading would take more than `readingMemoryLimit(fileSize:)`.
    public init(bytes: [UInt8]) throws(UVSegError) {
        var budget = MemoryBudget(limit: Self.readingMemoryLimit(fileSize: bytes.count))
        do {
            switch try CheckpointFormat(recognizing: bytes) {
            case .pyTorchZip:
                self.init(tensors: try PyTorchCheckpoint.read(bytes: bytes, budget: &budget))
            case .safetensors:
                self = try SafetensorsReader.read(bytes, budget: &budget)
            }
        } catch where error.kind == .outOfMemory {
            throw .outOfMemory(
                "\(error.message) (reading a checkpoint may take \(MemoryBudget.text(Self.readingMemoryBase)) plus "
                    + "\(Self.readingMemoryPerFileByte) bytes per byte of the file, at most "
                    + "\(MemoryBudget.text(MemoryBudget.defaultLimit)))")
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
