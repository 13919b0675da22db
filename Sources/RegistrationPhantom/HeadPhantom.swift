#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A head-like test object in world millimetres, centred at the origin: skin, brain, a fine
/// texture throughout, two unequal ventricles and two off-centre lesions, with edges blurred over 4 mm
/// like a scan's. Nothing in it is symmetric, so every rotation is visible.
public struct HeadPhantom: Sendable {
    /// Semi-axes of the skin ellipsoid along x, y, z in mm.
    public var semiAxes: SIMD3<Double>

    public init(semiAxes: SIMD3<Double>) { self.semiAxes = semiAxes }

    /// An ellipsoid in units of the semi-axes: centre and radii.
    private struct Part {
        let centre: SIMD3<Double>
        let radii: SIMD3<Double>
        let label: Int
        let intensity: Double
    }

    /// Inner parts, later ones drawn over earlier ones.
    private static let parts = [
        Part(centre: SIMD3(0, 0.02, 0), radii: SIMD3(0.86, 0.86, 0.84), label: 1, intensity: 0.8),
        Part(centre: SIMD3(-0.14, 0.08, 0.1), radii: SIMD3(0.09, 0.3, 0.14), label: 2, intensity: 0.25),
        Part(centre: SIMD3(0.16, 0.02, 0.12), radii: SIMD3(0.07, 0.24, 0.11), label: 2, intensity: 0.25),
        Part(centre: SIMD3(0.38, -0.32, 0.22), radii: SIMD3(0.16, 0.14, 0.15), label: 3, intensity: 1.1),
        Part(centre: SIMD3(-0.42, 0.36, -0.3), radii: SIMD3(0.12, 0.13, 0.1), label: 1, intensity: 0.5),
    ]

    /// A signed distance in mm to the surface of an ellipsoid (approximate away from the surface).
    private func distance(_ p: SIMD3<Double>, centre: SIMD3<Double>, radii: SIMD3<Double>) -> Double {
        let axes = radii * semiAxes
        let n = (p - centre * semiAxes) / axes
        return ((n * n).sum().squareRoot() - 1) * axes.min()
    }

    /// How far inside a surface a point is: 0 from 2 mm outside, 1 from 2 mm inside, a smooth step
    /// between (like a scan's partial volumes, and exactly flat beyond).
    private func inside(_ signedDistance: Double) -> Double {
        let t = min(max((2 - signedDistance) / 4, 0), 1)
        return t * t * (3 - 2 * t)
    }

    /// The intensity at world point `p`: 0 outside, 0.35 skin, about 0.8 brain.
    public func intensity(at p: SIMD3<Double>) -> Double {
        let head = inside(distance(p, centre: .zero, radii: SIMD3(repeating: 1)))
        var value = 0.35 * head
        for part in Self.parts {
            value += inside(distance(p, centre: part.centre, radii: part.radii)) * (part.intensity - value)
        }
        // Texture everywhere in the head, like the folds and vessels of a real one: without it,
        // displacements along flat regions could not be seen by any registration.
        let texture = sin(p.x / 3.7) * sin(p.y / 4.9 + 0.5) * sin(p.z / 3.1 + 1)
            + 0.6 * sin((p.x + p.y) / 2.3) * sin((p.y - p.z) / 2.9 + 0.7)
        return value + head * 0.1 * texture
    }

    /// The label at `p`: 0 background and skin, 1 brain, 2 ventricles, 3 the lesion.
    public func label(at p: SIMD3<Double>) -> Int {
        var label = 0
        for part in Self.parts where distance(p, centre: part.centre, radii: part.radii) < 0 {
            label = part.label
        }
        return label
    }
}
