import Diagnostics
import NIfTI
import Registration

/// A pair of volumes with a known correspondence: fixed world point x lies at moving world point
/// `transform(x + warp(x))`, so the moving volume is the phantom seen through the inverse map.
public struct KnownAlignment: Sendable {
    public var phantom: HeadPhantom
    public var transform: AffineTransform
    public var warp: SmoothWarp

    public init(phantom: HeadPhantom, transform: AffineTransform, warp: SmoothWarp = .none) {
        self.phantom = phantom
        self.transform = transform
        self.warp = warp
    }

    /// Where fixed world point `x` lies in the moving volume's world.
    public func movingPoint(_ x: SIMD3<Double>) -> SIMD3<Double> {
        transform.apply(x + warp.displacement(at: x))
    }

    /// The fixed point that maps to moving world point `y` (fixed-point iteration on the warp,
    /// which contracts while the warp is invertible).
    public func fixedPoint(_ y: SIMD3<Double>, inverse: AffineTransform) -> SIMD3<Double> {
        let z = inverse.apply(y)
        var x = z
        for _ in 0..<30 { x = z - warp.displacement(at: x) }
        return x
    }

    /// A volume of `size` placed by `affine` whose voxels are `value` of the world point they show.
    public static func volume(
        size: GridSize, affine: [Double], value: (SIMD3<Double>) -> Double
    ) throws(UVSegError) -> Volume {
        let placement = try AffineTransform(matrix: affine)
        var voxels = [Float](repeating: 0, count: size.voxelCount)
        for k in 0..<size.k {
            for j in 0..<size.j {
                for i in 0..<size.i {
                    let p = placement.apply(SIMD3(Double(i), Double(j), Double(k)))
                    voxels[i + size.i * (j + size.j * k)] = Float(value(p))
                }
            }
        }
        return Volume(size: size, voxels: voxels, geometry: try Geometry(affine: affine))
    }

    /// The fixed image: the phantom on the given grid.
    public func fixedImage(size: GridSize, affine: [Double]) throws(UVSegError) -> Volume {
        try Self.volume(size: size, affine: affine) { phantom.intensity(at: $0) }
    }

    /// The fixed label map.
    public func fixedLabels(size: GridSize, affine: [Double]) throws(UVSegError) -> Volume {
        try Self.volume(size: size, affine: affine) { Double(phantom.label(at: $0)) }
    }

    /// The moving image on the given grid, its intensities passed through `contrast`.
    public func movingImage(
        size: GridSize, affine: [Double], contrast: (Double) -> Double = { $0 }
    ) throws(UVSegError) -> Volume {
        let inverse = try transform.inverted()
        return try Self.volume(size: size, affine: affine) { contrast(phantom.intensity(at: fixedPoint($0, inverse: inverse))) }
    }

    /// The moving label map on the given grid.
    public func movingLabels(size: GridSize, affine: [Double]) throws(UVSegError) -> Volume {
        let inverse = try transform.inverted()
        return try Self.volume(size: size, affine: affine) { Double(phantom.label(at: fixedPoint($0, inverse: inverse))) }
    }

    /// A grid affine: voxel sizes `spacing`, axes flipped where `flipped` says, centred on the origin.
    public static func centredAffine(size: GridSize, spacing: SIMD3<Double>, flipped: [Bool] = [false, false, false])
        -> [Double]
    {
        let signs = SIMD3<Double>(flipped.map { $0 ? -1 : 1 })
        let step = signs * spacing
        let last = SIMD3(Double(size.i - 1), Double(size.j - 1), Double(size.k - 1))
        let origin = -step * last / 2
        return [step.x, 0, 0, origin.x, 0, step.y, 0, origin.y, 0, 0, step.z, origin.z, 0, 0, 0, 1]
    }
}
