import Diagnostics
import Network
import Workflow

/// Where the command's network comes from.
enum ModelLoading {
    /// The network of the checkpoint at `weights`, or the built-in default model when none is given.
    static func model(weights: String?) throws(UVSegError) -> UniverSegModel {
        if let weights {
            try VolumeFiles.requireExisting(weights, role: "weights")
            return try UniverSegModel(checkpoint: Checkpoint.load(contentsOf: weights))
        }
        // DEFAULT MODEL: the library's built-in default model is looked up here (the lead's
        // `DefaultModel.checkpoint()` or similar); until it exists, --weights is required.
        throw .invalidArgument("this build has no built-in default model yet; give a checkpoint with --weights FILE")
    }
}
