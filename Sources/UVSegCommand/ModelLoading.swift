import Workflow

/// Where the command's network comes from.
enum ModelLoading {
    /// The network of the checkpoint at `weights`, or the built-in default model when none is
    /// given; the segmentation options set its input size and threads.
    static func model(weights: String?) throws(UVSegError) -> UniverSegModel {
        guard let weights else { return try UniverSegModel.builtInDefault() }
        try VolumeFiles.requireExisting(weights, role: "weights")
        return try UniverSegModel(contentsOf: weights)
    }
}
