import Diagnostics
import NIfTI

/// A segmentation: a voxel grid whose every voxel holds a whole-number label, 0 for background.
///
/// Label files may store labels in any NIfTI data type; a `Volume` carries them as `Float`, which
/// holds every whole number up to 2^24 exactly, so that is the largest label accepted.
public struct LabelMap: Sendable, Equatable {
    /// The largest label value a label map may hold (2^24).
    public static let largestLabel: Int32 = 1 << 24

    /// Grid size in voxels along the array axes i, j, k.
    public let size: GridSize
    /// Where the grid sits in the world, as in the volume the labels came from.
    public let geometry: Geometry
    /// One label per voxel, i fastest like `Volume.voxels`.
    public internal(set) var labels: [Int32]

    /// The labels of a volume whose voxels hold whole numbers from 0 to `largestLabel`.
    ///
    /// Throws `.invalidArgument` naming the first voxel that holds anything else (a fraction, a
    /// negative number, NaN), and for a volume that fails `VolumeChecks.requireConsistent` (so a
    /// label map always has a finite affine and three positive voxel sizes).
    public init(_ volume: Volume) throws(UVSegError) {
        try VolumeChecks.requireConsistent(volume, role: "label map")
        let size = volume.size
        var labels = [Int32](repeating: 0, count: volume.voxels.count)
        for (index, value) in volume.voxels.enumerated() {
            guard value >= 0, value <= Float(Self.largestLabel), value.rounded(.towardZero) == value else {
                let (i, j, k) = (index % size.i, index / size.i % size.j, index / (size.i * size.j))
                throw .invalidArgument(
                    "labels must be whole numbers from 0 to \(Self.largestLabel), "
                        + "but voxel (\(i), \(j), \(k)) holds \(value)")
            }
            labels[index] = Int32(value)
        }
        self.size = size
        self.geometry = volume.geometry
        self.labels = labels
    }

    /// The labels as a volume with the same grid, for writing.
    public var volume: Volume {
        Volume(size: size, voxels: labels.map(Float.init), geometry: geometry)
    }

    /// The label values other than background that occur, in ascending order.
    public var foregroundLabels: [Int32] {
        var seen = Set<Int32>()
        var last: Int32 = 0
        for label in labels where label != 0 && label != last {
            seen.insert(label)
            last = label
        }
        return seen.sorted()
    }
}
