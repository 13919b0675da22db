/// What a NIfTI file said about its data beyond the grid placement.
///
/// Read from the source file by `NIfTIReader`; a volume made in memory has the defaults.
public struct VolumeMetadata: Sendable, Equatable {
    /// 1 or 2 for a file read from disk; 1 for a volume made in memory.
    public var niftiVersion: Int
    /// The file's dimensions dim[1...dim[0]] (all of them, also beyond the three spatial ones).
    public var dims: [Int]
    /// The datatype the voxels were stored as before conversion to Float.
    public var datatype: VoxelType
    /// scl_slope / scl_inter as stored; `Scaling.isApplied` says whether the reader applied them.
    public var scaling: Scaling
    /// intent_code, intent_name and intent_p1...p3.
    public var intent: Intent
    /// descrip: free text, up to 79 bytes in the file.
    public var description: String
    /// Which volume of a 4-D (or higher) file this is, counting from 0, and how many the file holds.
    public var volumeIndex: Int
    public var volumeCount: Int

    public init(
        niftiVersion: Int = 1, dims: [Int] = [], datatype: VoxelType = .float32, scaling: Scaling = .none,
        intent: Intent = .none, description: String = "", volumeIndex: Int = 0, volumeCount: Int = 1
    ) {
        self.niftiVersion = niftiVersion
        self.dims = dims
        self.datatype = datatype
        self.scaling = scaling
        self.intent = intent
        self.description = description
        self.volumeIndex = volumeIndex
        self.volumeCount = volumeCount
    }
}

/// The linear scaling a NIfTI header asks for: value = slope * stored + intercept.
public struct Scaling: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double

    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }

    /// No scaling (slope 0 means "none" in the standard).
    public static let none = Scaling(slope: 0, intercept: 0)

    /// Whether the standard says to apply it: a slope that is finite and non-zero.
    public var isApplied: Bool { slope != 0 && slope.isFinite }
}

/// A NIfTI intent: what the voxel values mean (statistic, label, vector, ...).
public struct Intent: Sendable, Equatable {
    /// intent_code; 0 none, 1002 label, see nifti1.h for the rest.
    public var code: Int
    /// intent_name, up to 15 bytes in the file.
    public var name: String
    /// intent_p1...p3, the parameters of a statistic.
    public var parameters: [Double]

    public init(code: Int, name: String = "", parameters: [Double] = [0, 0, 0]) {
        self.code = code
        self.name = name
        self.parameters = parameters
    }

    public static let none = Intent(code: 0)
    /// NIFTI_INTENT_LABEL: voxel values are label indices.
    public static let label = Intent(code: 1002)
}
