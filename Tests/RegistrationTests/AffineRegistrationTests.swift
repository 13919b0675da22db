import Diagnostics
import Foundation
import NIfTI
import RegistrationPhantom
import Testing
@testable import Registration

/// Affine alignment of synthetic heads moved by known transforms.
@Suite("Affine registration")
struct AffineRegistrationTests {
    static let phantom = HeadPhantom(semiAxes: SIMD3(38, 44, 34))
    static let fixedSize = GridSize(i: 48, j: 48, k: 48)
    static let fixedAffine = KnownAlignment.centredAffine(size: fixedSize, spacing: SIMD3(repeating: 2.6))
    static let spacing = 2.6

    static func affineOnly() -> RegistrationOptions {
        var options = RegistrationOptions()
        options.deformable = false
        return options
    }

    /// Aligns the moving image of `alignment` on `size`/`affine` (through `contrast`) to the fixed
    /// phantom; returns the largest corner error in fixed voxels and the rotation error in degrees.
    private func recover(
        _ alignment: KnownAlignment, size: GridSize, affine: [Double], contrast: @escaping (Double) -> Double = { $0 }
    ) throws -> (voxels: Double, degrees: Double, result: RegistrationResult) {
        let fixed = try alignment.fixedImage(size: Self.fixedSize, affine: Self.fixedAffine)
        let moving = try alignment.movingImage(size: size, affine: affine, contrast: contrast)
        let result = try Registration.align(moving: moving, to: fixed, options: Self.affineOnly())
        let error = try alignment.maximumCornerError(result.transform, size: Self.fixedSize, affine: Self.fixedAffine)
        let degrees = try result.transform.rotationAngle(relativeTo: alignment.transform)
        return (error / Self.spacing, degrees, result)
    }

    @Test("identical volumes give the identity")
    func identity() throws {
        let alignment = KnownAlignment(phantom: Self.phantom, transform: .identity)
        let (voxels, degrees, result) = try recover(alignment, size: Self.fixedSize, affine: Self.fixedAffine)
        #expect(voxels < 0.05)
        #expect(degrees < 0.05)
        #expect(result.similarity > 0.999)
    }

    @Test(
        "a known affine is recovered within half a voxel and half a degree, through a contrast change",
        arguments: [("scaled", 0), ("gamma", 1)])
    func knownAffine(contrastName: String, contrastIndex: Int) throws {
        let contrasts: [(Double) -> Double] = [{ 3 * $0 + 10 }, { 3 * pow($0, 0.6) + 10 }]
        let transform = KnownAlignment.rigid(
            degrees: 8, axis: SIMD3(0.3, -0.5, 1), translation: SIMD3(9, -12, 6), scale: SIMD3(1.04, 0.97, 1.02))
        let alignment = KnownAlignment(phantom: Self.phantom, transform: transform)
        let (voxels, degrees, result) = try recover(
            alignment, size: Self.fixedSize, affine: Self.fixedAffine, contrast: contrasts[contrastIndex])
        #expect(voxels < 0.5, "\(contrastName): corner error \(voxels) voxels")
        #expect(degrees < 0.5, "\(contrastName): rotation error \(degrees) degrees")
        #expect(result.similarity > 0.9)
    }

    @Test("different voxel sizes, grid sizes and flipped storage axes are handled through the affines")
    func differentGrids() throws {
        let transform = KnownAlignment.rigid(degrees: -7, axis: SIMD3(1, 0.4, 0.2), translation: SIMD3(-8, 5, 11))
        let alignment = KnownAlignment(phantom: Self.phantom, transform: transform)
        let size = GridSize(i: 40, j: 52, k: 30)
        let affine = KnownAlignment.centredAffine(
            size: size, spacing: SIMD3(3.2, 2.4, 4.0), flipped: [true, false, true])
        let (voxels, degrees, _) = try recover(alignment, size: size, affine: affine)
        #expect(voxels < 0.5)
        #expect(degrees < 0.5)
    }
}
