import Diagnostics

/// A NIfTI-1 or NIfTI-2 header, checked, in native byte order and Swift types.
///
/// Every size derived from it (voxels per volume, bytes on disk, end of the data) has been checked
/// for overflow when the header was read, so code using it can multiply freely.
public struct NIfTIHeader: Sendable, Equatable {
    /// 1 or 2.
    public var version: Int
    /// Whether the file stores its numbers in the byte order opposite to this machine's.
    public var isByteSwapped: Bool
    /// dim[1...dim[0]], each at least 1.
    public var dims: [Int]
    /// The stored voxel type.
    public var datatype: VoxelType
    /// pixdim[1...7] as stored.
    public var pixdim: [Double]
    /// Where the voxel data start in `imagePath`, in bytes.
    public var dataOffset: Int
    /// scl_slope and scl_inter as stored.
    public var scaling: Scaling
    /// cal_min and cal_max as stored (display range; 0 and 0 when unset).
    public var calibration: [Double]
    public var qformCode: Int
    public var sformCode: Int
    /// The qform parameters, `qfac` being pixdim[0] as stored.
    public var quaternion: QuaternionForm
    /// srow_x, srow_y, srow_z and `0 0 0 1`: 4 x 4 row-major, as stored.
    public var sform: [Double]
    public var units: Units
    public var dimInfo: UInt8
    public var intent: Intent
    public var description: String
    /// The file holding the header and the file holding the voxels (the same for a `.nii`).
    public var headerPath: String
    public var imagePath: String

    /// Voxels along i, j, k (1 for axes beyond dim[0]).
    public var gridSize: GridSize {
        GridSize(i: dims[0], j: dims.count > 1 ? dims[1] : 1, k: dims.count > 2 ? dims[2] : 1)
    }

    /// Voxels in one 3-D volume.
    public var voxelsPerVolume: Int { gridSize.voxelCount }

    /// How many 3-D volumes the file holds: the product of dim[4...7].
    public var volumeCount: Int { dims.dropFirst(3).reduce(1, *) }

    /// Bytes one 3-D volume takes on disk.
    public var bytesPerVolume: Int { voxelsPerVolume * datatype.byteCount }

    /// The voxel-to-world matrix nibabel's `get_best_affine` gives: the sform when sform_code is
    /// not 0, else the qform when qform_code is not 0, else pixdim scaling with the x axis flipped
    /// and the grid centred on the origin (ANALYZE's convention). The qform is computed as libnifti
    /// does, which agrees with nibabel except where nibabel refuses the header (a negative pixdim,
    /// which libnifti and uvseg treat as 1).
    public var affine: [Double] {
        if sformCode != 0 { return sform }
        if qformCode != 0 { return qformMatrix.elements }
        return baseAffine.elements
    }

    /// The qform as a 4 x 4 row-major matrix, whatever its code says.
    public var qformAffine: [Double] { qformMatrix.elements }

    var qformMatrix: AffineMatrix { quaternion.matrix(spacing: Array(pixdim.prefix(3))) }

    /// nibabel's `shape_zoom_affine(shape, zooms, x_flip=True)`.
    private var baseAffine: AffineMatrix {
        let size = gridSize.axes
        var zooms = (0..<3).map { $0 < dims.count ? pixdim[$0] : 1 }
        zooms[0] = -zooms[0]
        var matrix = AffineMatrix(diagonal: zooms)
        for axis in 0..<3 { matrix[axis, 3] = -Double(size[axis] - 1) / 2 * zooms[axis] }
        return matrix
    }

    /// The geometry of the grid, with the header's own fields kept verbatim.
    public var geometry: Geometry {
        let affine = self.affine
        return Geometry(
            affine: affine, spacing: AffineMatrix(unchecked: affine).columnLengths, qform: quaternion,
            qformCode: qformCode, sform: sform, sformCode: sformCode, pixdim: pixdim, units: units,
            dimInfo: dimInfo)
    }

    /// The metadata of volume `volumeIndex` of this file.
    func metadata(volumeIndex: Int) -> VolumeMetadata {
        VolumeMetadata(
            niftiVersion: version, dims: dims, datatype: datatype, scaling: scaling, intent: intent,
            description: description, volumeIndex: volumeIndex, volumeCount: volumeCount)
    }
}
