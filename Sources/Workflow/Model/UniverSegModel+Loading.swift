import Diagnostics
import CDefaultModel
import Network

extension UniverSegModel {
    /// The model of the checkpoint file at `path` (PyTorch `.pt` or safetensors); every error
    /// names the file.
    public init(contentsOf path: String) throws(UVSegError) {
        let checkpoint = try Checkpoint.load(contentsOf: path)
        do {
            try self.init(checkpoint: checkpoint)
        } catch {
            throw UVSegError(error.kind, "\(path): \(error.message)")
        }
    }
}

extension UniverSegModel {
    /// The model built into the library (models/uvseg-default.safetensors, see its model card):
    /// a small network trained by the project on generated tasks, used when no weights are given.
    public static func builtInDefault() throws(UVSegError) -> UniverSegModel {
        let bytes = [UInt8](UnsafeBufferPointer(start: uvseg_default_model_data(), count: uvseg_default_model_size()))
        do {
            return try UniverSegModel(checkpoint: Checkpoint(bytes: bytes))
        } catch {
            throw UVSegError(error.kind, "the built-in default model: \(error.message)")
        }
    }
}
