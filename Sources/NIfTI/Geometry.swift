import Diagnostics

/// Everything needed to place a grid in the world and to write a file that overlays the source exactly.
///
/// `affine` and `spacing` are what computations use. The remaining fields are the NIfTI header's
/// own description of the same placement (qform, sform, their codes, pixdim, units), kept verbatim
/// so that a file written with this geometry carries the reference's header fields unchanged.
public struct Geometry: Sendable, Equatable {
    /// Voxel (i, j, k, 1) to world (x, y, z, 1) in mm, RAS+, 4 x 4 row-major, chosen as nibabel does
    /// (sform when sform_code > 0, else qform when qform_code > 0, else pixdim scaling).
    public var affine: [Double]
    /// Voxel size in mm along i, j, k: the lengths of the affine's first three columns (equal to
    /// pixdim[1...3] in a consistent file).
    public var spacing: [Double]

    /// The quaternion form (method 2 of nifti1.h) as stored in the header.
    public var qform: QuaternionForm
    /// qform_code: 0 unknown, 1 scanner, 2 aligned, 3 Talairach, 4 MNI-152, 5 template.
    public var qformCode: Int
    /// The sform (method 3): 4 x 4 row-major, last row `0 0 0 1`, as stored in srow_x/y/z.
    public var sform: [Double]
    /// sform_code, same codes as `qformCode`.
    public var sformCode: Int
    /// pixdim[1...7] as stored: grid spacings, then the time step and further steps.
    public var pixdim: [Double]
    /// xyzt_units: the spatial and temporal units of pixdim and the affine.
    public var units: Units
    /// dim_info: which array axes were the frequency, phase and slice encoding directions.
    public var dimInfo: UInt8

    /// A geometry with every field given.
    public init(
        affine: [Double], spacing: [Double], qform: QuaternionForm, qformCode: Int, sform: [Double],
        sformCode: Int, pixdim: [Double], units: Units, dimInfo: UInt8 = 0
    ) {
        self.affine = affine
        self.spacing = spacing
        self.qform = qform
        self.qformCode = qformCode
        self.sform = sform
        self.sformCode = sformCode
        self.pixdim = pixdim
        self.units = units
        self.dimInfo = dimInfo
    }

    /// The geometry a file written with this affine alone gets: sform = affine with code 2
    /// ("aligned"), the closest qform with code 2, pixdim = the column lengths, units mm and s.
    ///
    /// `affine` must hold 16 finite numbers whose last row is `0 0 0 1`; other input gives an
    /// `.invalidArgument` error.
    public init(affine: [Double]) throws(UVSegError) {
        let matrix = try AffineMatrix(validating: affine)
        let spacing = matrix.columnLengths
        self.init(
            affine: affine, spacing: spacing, qform: QuaternionForm(closestTo: matrix), qformCode: 2,
            sform: affine, sformCode: 2, pixdim: spacing + [1, 1, 1, 1],
            units: Units(spatial: .millimetre, temporal: .second))
    }

    /// Whether every field holds the same value, bit for bit: unlike `==`, a geometry with NaN
    /// fields (from a damaged qform, say) is identical to itself.
    func isIdentical(to other: Geometry) -> Bool {
        func same(_ a: [Double], _ b: [Double]) -> Bool { a.map(\.bitPattern) == b.map(\.bitPattern) }
        let (q, r) = (qform, other.qform)
        return same(affine, other.affine) && same(spacing, other.spacing)
            && same([q.b, q.c, q.d, q.qfac] + q.offset, [r.b, r.c, r.d, r.qfac] + r.offset)
            && qformCode == other.qformCode && same(sform, other.sform) && sformCode == other.sformCode
            && same(pixdim, other.pixdim) && units == other.units && dimInfo == other.dimInfo
    }
}

/// The parameters of a NIfTI qform (quatern_b/c/d, qoffset_x/y/z, qfac = the sign of pixdim[0]).
public struct QuaternionForm: Sendable, Equatable {
    public var b: Double
    public var c: Double
    public var d: Double
    public var offset: [Double]
    /// pixdim[0] as stored: negative means the k axis is flipped (a left-handed grid); any other
    /// value, 0 included, counts as +1, as libnifti reads it. Kept verbatim so writers reproduce it.
    public var qfac: Double

    public init(b: Double, c: Double, d: Double, offset: [Double], qfac: Double) {
        self.b = b; self.c = c; self.d = d; self.offset = offset; self.qfac = qfac
    }

    /// The identity rotation at the origin.
    public static let identity = QuaternionForm(b: 0, c: 0, d: 0, offset: [0, 0, 0], qfac: 1)
}

/// The units of a NIfTI header's xyzt_units field, kept as their codes so unknown ones round-trip.
public struct Units: Sendable, Equatable {
    /// The spatial unit code (xyzt_units & 0x07): 0 unknown, 1 m, 2 mm, 3 micron.
    public var spatialCode: Int
    /// The temporal unit code (xyzt_units & 0x38): 0 unknown, 8 s, 16 ms, 24 us, 32 Hz, 40 ppm, 48 rad/s.
    public var temporalCode: Int

    public init(spatialCode: Int, temporalCode: Int) {
        self.spatialCode = spatialCode
        self.temporalCode = temporalCode
    }

    public init(spatial: SpatialUnit, temporal: TemporalUnit) {
        self.init(spatialCode: spatial.rawValue, temporalCode: temporal.rawValue)
    }

    /// The xyzt_units byte.
    public var code: Int { spatialCode | temporalCode }

    public enum SpatialUnit: Int, Sendable { case unknown = 0, metre = 1, millimetre = 2, micron = 3 }
    public enum TemporalUnit: Int, Sendable { case unknown = 0, second = 8, millisecond = 16, microsecond = 24 }
}
