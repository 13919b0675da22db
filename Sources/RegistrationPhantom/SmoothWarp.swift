#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A smooth displacement field in world mm: sine waves along each axis, invertible while
/// `2 pi amplitude / wavelength < 1`.
public struct SmoothWarp: Sendable {
    public var amplitude: Double
    public var wavelength: Double

    public init(amplitude: Double, wavelength: Double) {
        self.amplitude = amplitude
        self.wavelength = wavelength
    }

    public static let none = SmoothWarp(amplitude: 0, wavelength: 1)

    public func displacement(at p: SIMD3<Double>) -> SIMD3<Double> {
        let w = 2 * Double.pi / wavelength
        return amplitude * SIMD3(sin(w * p.y + 0.3), sin(w * p.z + 1.1), sin(w * p.x + 2.0))
    }
}
