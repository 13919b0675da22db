import Diagnostics

/// The container formats a checkpoint may come in, recognised from a file's first bytes.
enum CheckpointFormat: Sendable, Equatable {
    /// PyTorch's zip serialization (`torch.save` since PyTorch 1.6).
    case pyTorchZip
    /// An 8-byte little-endian header length, a JSON header, then raw tensor data.
    case safetensors

    init(recognizing bytes: [UInt8]) throws(UVSegError) {
        guard !bytes.isEmpty else {
            throw .badFormat("the checkpoint is empty (0 bytes)")
        }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {  // "PK\3\4": a zip local file header
            self = .pyTorchZip
        } else if bytes.count > 8, bytes[8] == UInt8(ascii: "{") {
            self = .safetensors
        } else if bytes.count > 1, bytes[0] == 0x80, (2...5).contains(bytes[1]) {
            // A bare pickle: torch.save before PyTorch 1.6 or with the zip serialization turned off.
            throw .unsupported(
                "this is a PyTorch checkpoint in the legacy pickle format; load it in PyTorch and save it again with torch.save (zip format) or as safetensors")
        } else {
            throw .badFormat("not a checkpoint uvseg can read: neither a PyTorch zip archive (.pt) nor a safetensors file")
        }
    }
}
