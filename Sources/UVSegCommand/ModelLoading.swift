import Diagnostics
import Network
import Workflow

/// Where the command's network comes from.
enum ModelLoading {
    /// The network of the checkpoint at `weights`, or the built-in default model when none is given.
    static func model(weights: String?) throws(UVSegError) -> UniverSegModel {
        if let weights {
            try VolumeFiles.requireExisting(weights, role: "weights")
            return try UniverSegModel(contentsOf: weights)
        }
        return try UniverSegModel.builtInDefault()
    }
}
