import Diagnostics
import NIfTI
import RegistrationPhantom
import Testing
@testable import Registration

/// What registration refuses, and how it stops when asked.
@Suite("Registration inputs and cancelling")
struct InputTests {
    static let size = GridSize(i: 24, j: 24, k: 24)
    static let affine = KnownAlignment.centredAffine(size: size, spacing: SIMD3(repeating: 4))
    static let alignment = KnownAlignment(phantom: HeadPhantom(semiAxes: SIMD3(40, 44, 38)), transform: .identity)

    @Test("a cancelled progress closure stops the alignment with .cancelled")
    func cancelled() throws {
        let volume = try Self.alignment.fixedImage(size: Self.size, affine: Self.affine)
        var calls = 0
        let error = #expect(throws: UVSegError.self) {
            _ = try Registration.align(moving: volume, to: volume) { fraction throws(UVSegError) in
                calls += 1
                if fraction > 0.1 { throw .cancelled }
            }
        }
        #expect(error?.kind == .cancelled)
        #expect(calls > 1)
    }

    @Test("progress rises from 0 to 1 without going back")
    func progressRises() throws {
        let volume = try Self.alignment.fixedImage(size: Self.size, affine: Self.affine)
        var fractions: [Double] = []
        _ = try Registration.align(moving: volume, to: volume) { fraction throws(UVSegError) in fractions.append(fraction) }
        #expect(fractions.first == 0)
        #expect(fractions.last == 1)
        #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("a constant volume is refused, naming its role")
    func constant() throws {
        let volume = try Self.alignment.fixedImage(size: Self.size, affine: Self.affine)
        var flat = volume
        flat.voxels = [Float](repeating: 3, count: flat.voxels.count)
        let error = #expect(throws: UVSegError.self) { _ = try Registration.align(moving: flat, to: volume) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("moving volume is constant") == true)
    }

    @Test("non-finite voxels and a voxel count that disagrees with the size are refused")
    func malformed() throws {
        let volume = try Self.alignment.fixedImage(size: Self.size, affine: Self.affine)
        var withNaN = volume
        withNaN.voxels[5] = .nan
        #expect(#expect(throws: UVSegError.self) { try Registration.align(moving: volume, to: withNaN) }?.message
            .contains("fixed volume holds non-finite values") == true)
        var short = volume
        short.voxels.removeLast()
        #expect(#expect(throws: UVSegError.self) { try Registration.align(moving: short, to: volume) }?.kind == .invalidArgument)
    }

    @Test("voxel sizes a million times apart are refused, naming both volumes; a thousand times are aligned")
    func voxelSizesFarApart() throws {
        let volume = try Self.alignment.fixedImage(size: Self.size, affine: Self.affine)
        func scan(spacing: SIMD3<Double>) throws -> Volume {
            var scan = volume  // the same voxels on a grid of other voxel sizes
            scan.geometry = try Self.alignment.fixedImage(
                size: Self.size, affine: KnownAlignment.centredAffine(size: Self.size, spacing: spacing)).geometry
            return scan
        }
        let tiny = try scan(spacing: SIMD3(repeating: 4e-6))
        let error = #expect(throws: UVSegError.self) { _ = try Registration.align(moving: tiny, to: volume) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("fixed and moving volumes' voxel sides range from 4e-06 to 4.0 mm, more than 1000 times apart") == true,
                "\(error?.message ?? "")")
        var options = RegistrationOptions()
        options.deformable = false
        let thin = try scan(spacing: SIMD3(4e-3, 4, 4))
        #expect(throws: Never.self) { _ = try Registration.align(moving: thin, to: volume, options: options) }
    }

    @Test("a memory limit too small for the pyramids gives .outOfMemory")
    func memoryLimit() throws {
        let volume = try Self.alignment.fixedImage(size: Self.size, affine: Self.affine)
        var options = RegistrationOptions()
        options.memoryLimit = 1000
        let error = #expect(throws: UVSegError.self) { _ = try Registration.align(moving: volume, to: volume, options: options) }
        #expect(error?.kind == .outOfMemory)
    }
}
