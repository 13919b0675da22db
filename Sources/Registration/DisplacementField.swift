import NIfTI

/// A displacement in world millimetres for every voxel of the fixed grid: the deformable part of a
/// registration, applied before its affine transform (fixed point x goes to `T(x + d(x))`).
///
/// Components are stored apart (x, y, z), each i fastest like `Volume.voxels`.
public struct DisplacementField: Sendable {
    /// The fixed grid the field is sampled on.
    public let size: GridSize
    public let geometry: Geometry
    /// World displacement along x, y and z in mm per voxel.
    public internal(set) var x: [Float]
    public internal(set) var y: [Float]
    public internal(set) var z: [Float]

    /// The three components, as the deformable step makes them.
    struct Components {
        var x: [Float]
        var y: [Float]
        var z: [Float]
    }

    init(size: GridSize, geometry: Geometry, components: Components) {
        self.size = size
        self.geometry = geometry
        x = components.x
        y = components.y
        z = components.z
    }

    /// The displacement at fixed-grid voxel index `index`.
    public func displacement(at index: Int) -> SIMD3<Double> {
        SIMD3(Double(x[index]), Double(y[index]), Double(z[index]))
    }
}
