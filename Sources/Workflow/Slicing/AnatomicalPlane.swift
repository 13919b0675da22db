/// A plane of the patient's anatomy along which a volume is cut into the 2-D slices the network sees.
///
/// Planes are found from the volume's affine, not its array axes: the volume is first reoriented
/// to the closest RAS+ grid (array axis i towards the patient's right, j anterior, k superior), so
/// support and query slices share one orientation whatever order their scanners stored them in.
public enum AnatomicalPlane: String, Sendable, CaseIterable, Codable {
    /// Slices perpendicular to the head-foot axis.
    case axial
    /// Slices perpendicular to the front-back axis.
    case coronal
    /// Slices perpendicular to the left-right axis.
    case sagittal

    /// The longest side of a pixel over its shortest for a plane to be chosen automatically:
    /// slices across thick ones are blurred along one side, which the network never saw in
    /// training, while near-isotropic scans gain from all three planes (QUALITY.md).
    static let largestAutomaticPixelAspect = 2.0

    /// The planes to segment along when none are given, for volumes of RAS voxel spacings
    /// `spacings` (the query's and the support volumes'): every plane in which each volume's
    /// pixels are at most `largestAutomaticPixelAspect` times as long as wide (all three for
    /// near-isotropic scans, the acquisition plane for thick-slice ones); when no plane is, the
    /// one with the squarest pixels.
    static func automatic(forSpacings spacings: [[Double]]) -> [AnatomicalPlane] {
        let aspects = allCases.map { plane in
            spacings.map { spacing in
                let (column, row) = (spacing[plane.inPlaneAxes.column], spacing[plane.inPlaneAxes.row])
                return max(column, row) / min(column, row)
            }.reduce(1, max)
        }
        let chosen = allCases.indices.filter { aspects[$0] <= largestAutomaticPixelAspect }
        guard chosen.isEmpty else { return chosen.map { allCases[$0] } }
        let squarest = aspects.indices.min { (aspects[$0], $0) < (aspects[$1], $1) } ?? 0
        return [allCases[squarest]]
    }

    /// The RAS array axis (0 = i, 1 = j, 2 = k) perpendicular to the plane.
    var normalAxis: Int {
        switch self {
        case .axial: 2
        case .coronal: 1
        case .sagittal: 0
        }
    }

    /// The RAS array axes along a slice's columns (left to right in the image) and rows (top to
    /// bottom). Both in-plane axes keep their RAS order, so every slice of every volume is laid out
    /// the same way.
    var inPlaneAxes: (column: Int, row: Int) {
        switch self {
        case .axial: (0, 1)
        case .coronal: (0, 2)
        case .sagittal: (1, 2)
        }
    }
}
