import Diagnostics
import Network
import Workflow

/// Where the command's network comes from.
enum ModelLoading {
    /// The network of the checkpoint at `weights`, or the built-in default model when none is
    /// given, predicting on `threads` threads.
    static func model(weights: String?, threads: Int) throws(UVSegError) -> UniverSegModel {
        var model: UniverSegModel
        if let weights {
            try VolumeFiles.requireExisting(weights, role: "weights")
            model = try UniverSegModel(contentsOf: weights)
        } else {
            model = try UniverSegModel.builtInDefault()
        }
        model.threads = threads
        return model
    }
}
