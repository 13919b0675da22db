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
