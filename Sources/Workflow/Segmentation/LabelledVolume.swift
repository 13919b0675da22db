import Diagnostics
import NIfTI

/// An image with its expert segmentation: one member of a support list or a validation case.
public struct LabelledVolume: Sendable {
    public let image: Volume
    public let labels: LabelMap

    /// Pairs an image with its labels; throws `.invalidArgument` when the label map is not on the
    /// image's grid (size and placement) or the image's voxel count does not match its size.
    public init(image: Volume, labels: LabelMap) throws(UVSegError) {
        try VolumeChecks.requireConsistent(image, role: "image")
        try VolumeChecks.requireSameGrid(
            image.size, image.geometry, labels.size, labels.geometry, roles: ("image", "label map"))
        self.image = image
        self.labels = labels
    }
}
