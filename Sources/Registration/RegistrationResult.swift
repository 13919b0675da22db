/// How a moving volume lines up with a fixed one: fixed world point x corresponds to moving world
/// point `transform(x + d(x))`, d the displacement field (none after an affine-only alignment).
public struct RegistrationResult: Sendable {
    /// From the fixed volume's world space to the moving volume's.
    public var transform: AffineTransform
    /// The deformable correction on the fixed grid, applied before `transform`.
    public var field: DisplacementField?
    /// The correlation ratio of the moving volume, brought onto the fixed grid through `transform`
    /// alone, given the fixed volume, at full resolution, in [0, 1]: the share of the moving
    /// intensities' variance that the fixed intensities explain.
    public var affineSimilarity: Double
    /// The same after the deformable step (equal to `affineSimilarity` without one). A low value
    /// (below about 0.5 for two scans of the same kind) says the volumes did not line up.
    public var similarity: Double

    public init(transform: AffineTransform, field: DisplacementField? = nil, affineSimilarity: Double, similarity: Double) {
        self.transform = transform
        self.field = field
        self.affineSimilarity = affineSimilarity
        self.similarity = similarity
    }
}
