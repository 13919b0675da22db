import Diagnostics
import NIfTI
import RegistrationPhantom
import Testing
@testable import Registration

/// The deformable step recovers a known smooth warp, and label maps follow it.
@Suite("Deformable registration")
struct DeformableRegistrationTests {
    static let size = GridSize(i: 48, j: 48, k: 48)
    static let affine = KnownAlignment.centredAffine(size: size, spacing: SIMD3(repeating: 2.6))
    static let alignment = KnownAlignment(
        phantom: HeadPhantom(semiAxes: SIMD3(38, 44, 34)),
        transform: KnownAlignment.rigid(degrees: 4, axis: SIMD3(0, 0.3, 1), translation: SIMD3(4, -3, 2)),
        warp: SmoothWarp(amplitude: 3, wavelength: 70))

    @Test("a known smooth warp is recovered: the displacement error halves inside the object, labels overlap")
    func knownWarp() throws {
        let fixed = try Self.alignment.fixedImage(size: Self.size, affine: Self.affine)
        let moving = try Self.alignment.movingImage(size: Self.size, affine: Self.affine) { 2 * $0 + 0.5 * $0 * $0 + 1 }
        // Inside the labelled structures; in the uniform skin, displacements along the surface
        // leave the images unchanged, so no registration can see them.
        let object = try Self.alignment.fixedLabels(size: Self.size, affine: Self.affine)
        let result = try Registration.align(moving: moving, to: fixed)
        var affineOnly = result
        affineOnly.field = nil
        let error = try Self.alignment.meanError(of: result, mask: object) / 2.6
        let affineError = try Self.alignment.meanError(of: affineOnly, mask: object) / 2.6
        #expect(error < 0.7, "mean error \(error) voxels, \(affineError) after the affine step")
        #expect(error < affineError / 2)

        let labels = try Self.alignment.movingLabels(size: Self.size, affine: Self.affine)
        let carried = try Resampler.labels(labels, onto: Self.size, geometry: fixed.geometry, through: result)
        let brainDice = dice(carried, object, label: 1)
        #expect(brainDice >= 0.95, "brain Dice \(brainDice)")
        #expect(result.similarity > result.affineSimilarity)
    }

    @Test("identical volumes give a field of almost nothing")
    func identical() throws {
        let fixed = try Self.alignment.fixedImage(size: Self.size, affine: Self.affine)
        let result = try Registration.align(moving: fixed, to: fixed)
        let field = try #require(result.field)
        let largest = zip(zip(field.x, field.y), field.z).map { ($0.0 * $0.0 + $0.1 * $0.1 + $1 * $1).squareRoot() }.max()!
        #expect(largest < 0.1 * 2.6)
    }
}

/// Label maps carried through a registration keep their set of values.
@Suite("Label resampling")
struct LabelResamplingTests {
    @Test("nearest and per-label linear interpolation give only values of the source", arguments: [
        Resampler.LabelInterpolation.nearest, .perLabelLinear,
    ])
    func valueSetKept(interpolation: Resampler.LabelInterpolation) throws {
        var labels = try InputTests.alignment.fixedLabels(size: InputTests.size, affine: InputTests.affine)
        labels.voxels = labels.voxels.map { $0 == 3 ? 7 : $0 }
        let rotation = KnownAlignment.rigid(degrees: 11, axis: SIMD3(1, 1, 0), translation: SIMD3(2.3, -1.7, 0.9))
        let result = RegistrationResult(transform: rotation, affineSimilarity: 1, similarity: 1)
        let targetSize = GridSize(i: 40, j: 40, k: 40)
        let target = try Geometry(affine: KnownAlignment.centredAffine(size: targetSize, spacing: SIMD3(repeating: 2.5)))
        let carried = try Resampler.labels(
            labels, onto: targetSize, geometry: target, through: result, interpolation: interpolation)
        #expect(Set(carried.voxels) == Set(labels.voxels))
        #expect(carried.size == targetSize)
    }

    @Test("per-label linear interpolation picks the label with the largest interpolated share")
    func dominantLabel() {
        let voxels: [Float] = [1, 1, 2, 2, 1, 1, 2, 2]
        voxels.withUnsafeBufferPointer { buffer in
            let sampler = TrilinearSampler(buffer, size: (2, 2, 2))
            #expect(sampler.dominantLabel(at: SIMD3(0.5, 0.4, 0.5)) == 1)
            #expect(sampler.dominantLabel(at: SIMD3(0.5, 0.6, 0.5)) == 2)
            #expect(sampler.nearestValue(at: SIMD3(0.5, 0.6, 0.2)) == 2)
            #expect(sampler.nearestValue(at: SIMD3(0.5, 1.6, 0.2)) == 0)
        }
    }
}
