// Times affine and deformable registration of a brain-sized pair of synthetic heads (100 x 120 x
// 100 voxels at 2 mm against 96 x 116 x 90 at 2.1 x 2.1 x 2.3 mm, x stored flipped) with a known
// affine (8 degrees, 15 mm, scaling 0.98-1.03), a known smooth warp and a different contrast
// curve, and reports how far each result lies from the truth.
//
// Usage: uvseg-registration-bench [--repeats N] [--threads N]
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import NIfTI
import Registration
import RegistrationPhantom

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
}

func argument(_ name: String, default value: Int) throws -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name) else { return value }
    guard index + 1 < arguments.count, let parsed = Int(arguments[index + 1]), parsed > 0 else {
        throw BenchmarkError(description: "\(name) needs a positive whole number")
    }
    return parsed
}

/// Processor seconds (user and system) the process has used so far.
func processorSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Runs `body` `repeats` times; the last result, and the median wall and processor seconds.
func timed<T>(_ repeats: Int, _ body: () throws -> T) rethrows -> (T, wall: Double, processor: Double) {
    var walls: [Double] = [], processors: [Double] = []
    var value: T?
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds, startProcessor = processorSeconds()
        value = try body()
        walls.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        processors.append(processorSeconds() - startProcessor)
    }
    return (value!, median(walls), median(processors))
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func format(_ value: Double, _ digits: Int = 2) -> String {
    let scale = pow(10, Double(digits))
    return String((value * scale).rounded() / scale)
}

let repeats = try argument("--repeats", default: 3)
let threads = try argument("--threads", default: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

let phantom = HeadPhantom(semiAxes: SIMD3(66, 84, 64))
let fixedSize = GridSize(i: 100, j: 120, k: 100)
let fixedSpacing = 2.0
let fixedAffine = KnownAlignment.centredAffine(size: fixedSize, spacing: SIMD3(repeating: fixedSpacing))
let movingSize = GridSize(i: 96, j: 116, k: 90)
let movingAffine = KnownAlignment.centredAffine(
    size: movingSize, spacing: SIMD3(2.1, 2.1, 2.3), flipped: [true, false, false])
let transform = KnownAlignment.rigid(
    degrees: 8, axis: SIMD3(0.4, -0.3, 1), translation: SIMD3(10, -8, 8), scale: SIMD3(1.03, 0.98, 1.01))
let contrasts: [(name: String, curve: (Double) -> Double)] = [
    ("100 v^0.7 + 20", { 100 * pow($0, 0.7) + 20 }),
    ("100 v + 30 v^2 + 20", { 100 * $0 + 30 * $0 * $0 + 20 }),
]

let affinePair = KnownAlignment(phantom: phantom, transform: transform)
let warpedPair = KnownAlignment(
    phantom: phantom, transform: transform, warp: SmoothWarp(amplitude: 4, wavelength: 100))
let fixed = try affinePair.fixedImage(size: fixedSize, affine: fixedAffine)
let fixedLabels = try affinePair.fixedLabels(size: fixedSize, affine: fixedAffine)
let warpedLabels = try warpedPair.movingLabels(size: movingSize, affine: movingAffine)
print("fixed \(fixedSize.axes) at 2 mm, moving \(movingSize.axes) at 2.1 x 2.1 x 2.3 mm (x flipped); "
    + "\(threads) threads, medians of \(repeats) runs; errors in fixed voxels (2 mm)")

for contrast in contrasts {
    let affineMoving = try affinePair.movingImage(size: movingSize, affine: movingAffine, contrast: contrast.curve)
    var affineOptions = RegistrationOptions()
    affineOptions.deformable = false
    affineOptions.threads = threads
    let (affine, affineWall, affineProcessor) = try timed(repeats) {
        try Registration.align(moving: affineMoving, to: fixed, options: affineOptions)
    }
    let cornerError = try affinePair.maximumCornerError(affine.transform, size: fixedSize, affine: fixedAffine)
    let angleError = try affine.transform.rotationAngle(relativeTo: transform)
    print("contrast \(contrast.name)")
    print("  affine:     \(format(affineWall)) s wall, \(format(affineProcessor)) s processor; largest corner error "
        + "\(format(cornerError / fixedSpacing)) voxels, rotation error \(format(angleError, 3)) degrees, "
        + "similarity \(format(affine.similarity, 4))")

    let warpedMoving = try warpedPair.movingImage(size: movingSize, affine: movingAffine, contrast: contrast.curve)
    var options = RegistrationOptions()
    options.threads = threads
    let (result, wall, processor) = try timed(repeats) {
        try Registration.align(moving: warpedMoving, to: fixed, options: options)
    }
    var affineStep = result
    affineStep.field = nil
    let error = try warpedPair.meanError(of: result, mask: fixedLabels) / fixedSpacing
    let affineError = try warpedPair.meanError(of: affineStep, mask: fixedLabels) / fixedSpacing
    let carried = try Resampler.labels(warpedLabels, onto: fixedSize, geometry: fixed.geometry, through: result)
    let carriedAffine = try Resampler.labels(warpedLabels, onto: fixedSize, geometry: fixed.geometry, through: affineStep)
    let dices = [1, 2, 3].map { format(dice(carried, fixedLabels, label: Float($0)), 3) }
    let affineDices = [1, 2, 3].map { format(dice(carriedAffine, fixedLabels, label: Float($0)), 3) }
    print("  deformable (with its affine step, warp of 4 mm at 100 mm): \(format(wall)) s wall, "
        + "\(format(processor)) s processor; mean error in the labelled head \(format(error)) voxels "
        + "(\(format(affineError)) after the affine step); Dice brain, ventricles, lesion \(dices) "
        + "(\(affineDices) after the affine step); similarity \(format(result.affineSimilarity, 4)) -> "
        + "\(format(result.similarity, 4))")
}
