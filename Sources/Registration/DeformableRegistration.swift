import Diagnostics
import Dispatch
import NIfTI

/// The deformable step: demons with Gaussian regularisation of each update (fluid-like) and of the
/// whole field (diffusion-like), over an image pyramid, after the affine step (Thirion 1998; the
/// symmetric gradient of Vercauteren et al. 2008).
///
/// The field s lives on the fixed grid of each level, in millimetres along the fixed array axes:
/// fixed voxel v is compared with the moving image at `affine(v + s / spacing)`. Demons compares
/// intensities directly, so the fixed image is first put into the moving image's contrast through
/// `IntensityMapping`, re-estimated at every level as the alignment improves.
struct DeformableRegistration {
    let fixed: [ScalarImage]
    let moving: [ScalarImage]
    /// From fixed world to moving world, found by the affine step.
    let transform: AffineTransform
    let options: RegistrationOptions
    let parallel: ParallelParts

    /// The field in world millimetres on the grid of `fullFixed`, stopping early once
    /// `options.deformableTimeLimit` seconds have passed.
    func run(
        fullFixed: ScalarImage, budget: inout MemoryBudget, progress: (Double) throws(UVSegError) -> Void
    ) throws(UVSegError) -> DisplacementField.Components {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(options.deformableTimeLimit * 1e9)
        let plannedIterations = Double(max(options.deformableIterations.reduce(0, +), 1))
        var finished = 0.0
        var field: [[Float]]? = nil
        var fieldGrid: VoxelGrid? = nil
        for (level, iterations) in options.deformableIterations.enumerated() {
            let grid = fixed[level].grid
            let count = grid.size.voxelCount
            try budget.charge(9 * count, of: MemoryLayout<Float>.stride, for: "a deformable level's fields")
            defer { budget.release(9 * count, of: MemoryLayout<Float>.stride) }
            var state = try LevelState(
                fixed: fixed[level], moving: moving[level], transform: transform,
                field: field.map { resampleField($0, from: fieldGrid!, to: grid) }, parallel: parallel)
            for _ in 0..<iterations where DispatchTime.now().uptimeNanoseconds < deadline {
                state.iterate(options: options)
                finished += 1
                try progress(finished / plannedIterations)
            }
            field = state.field
            fieldGrid = grid
        }
        try budget.charge(6 * fullFixed.voxels.count, of: MemoryLayout<Float>.stride, for: "the displacement field")
        guard let field, let fieldGrid else {
            let zero = [Float](repeating: 0, count: fullFixed.voxels.count)
            return DisplacementField.Components(x: zero, y: zero, z: zero)
        }
        return worldComponents(resampleField(field, from: fieldGrid, to: fullFixed.grid), grid: fullFixed.grid)
    }

    /// A field in mm along the axes of `grid` as world x, y, z displacements.
    private func worldComponents(_ axisField: [[Float]], grid: VoxelGrid) -> DisplacementField.Components {
        let columns = (0..<3).map { grid.voxelToWorld.column($0) / grid.spacing[$0] }
        var world = [[Float]](repeating: [Float](repeating: 0, count: axisField[0].count), count: 3)
        for index in axisField[0].indices {
            let d = columns[0] * Double(axisField[0][index]) + columns[1] * Double(axisField[1][index])
                + columns[2] * Double(axisField[2][index])
            world[0][index] = Float(d.x)
            world[1][index] = Float(d.y)
            world[2][index] = Float(d.z)
        }
        return DisplacementField.Components(x: world[0], y: world[1], z: world[2])
    }

    /// A field (mm along the fixed axes, which all levels share) moved onto a finer grid.
    private func resampleField(_ field: [[Float]], from source: VoxelGrid, to target: VoxelGrid) -> [[Float]] {
        let targetToSource = source.worldToVoxel.after(target.voxelToWorld)
        let size = target.size
        return field.map { component in
            var output = [Float](repeating: 0, count: size.voxelCount)
            component.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { destination in
                    let pointers = UncheckedSendable(value: (input, destination))
                    parallel.forEachPart(of: size.j * size.k) { _, lines in
                        let sampler = TrilinearSampler(
                            pointers.value.0, size: (source.size.i, source.size.j, source.size.k))
                        for line in lines {
                            for i in 0..<size.i {
                                let v = SIMD3(Double(i), Double(line % size.j), Double(line / size.j))
                                pointers.value.1[i + size.i * line] = sampler.clampedValue(at: targetToSource.apply(v))
                            }
                        }
                    }
                }
            }
            return output
        }
    }
}

/// One pyramid level of the demons iteration: the images, the field and its work arrays.
private struct LevelState {
    let fixed: ScalarImage
    let moving: ScalarImage
    let parallel: ParallelParts
    /// Fixed voxel to moving voxel through the affine transform.
    let fixedToMovingVoxel: AffineTransform
    /// The field, mm along the fixed axes, one array per axis.
    var field: [[Float]]
    private var update: [[Float]]
    private var scratch: [Float]
    /// The moving image warped onto the fixed grid, and whether each voxel saw the moving grid.
    private var warped: [Float]
    private var seen: [Bool]
    /// The fixed image in the moving image's contrast.
    private var mappedFixed: [Float]

    init(
        fixed: ScalarImage, moving: ScalarImage, transform: AffineTransform, field: [[Float]]?,
        parallel: ParallelParts
    ) throws(UVSegError) {
        self.fixed = fixed
        self.moving = moving
        self.parallel = parallel
        fixedToMovingVoxel = moving.grid.worldToVoxel.after(transform).after(fixed.grid.voxelToWorld)
        let count = fixed.voxels.count
        self.field = field ?? [[Float]](repeating: [Float](repeating: 0, count: count), count: 3)
        update = [[Float]](repeating: [Float](repeating: 0, count: count), count: 3)
        scratch = [Float](repeating: 0, count: count)
        warped = [Float](repeating: 0, count: count)
        seen = [Bool](repeating: false, count: count)
        mappedFixed = []
        warp()
        let mapping = IntensityMapping(fixed: fixed.voxels, moving: warped, seen: seen)
        mappedFixed = fixed.voxels.map { mapping($0) }
    }

    /// The moving image through the affine transform and the current field.
    private mutating func warp() {
        let size = fixed.grid.size, movingSize = moving.grid.size
        let spacing = fixed.grid.spacing
        let map = fixedToMovingVoxel
        let background = moving.background
        field[0].withUnsafeBufferPointer { sx in
            field[1].withUnsafeBufferPointer { sy in
                field[2].withUnsafeBufferPointer { sz in
                    moving.voxels.withUnsafeBufferPointer { movingVoxels in
                        warped.withUnsafeMutableBufferPointer { warped in
                            seen.withUnsafeMutableBufferPointer { seen in
                                let pointers = UncheckedSendable(value: (sx, sy, sz, movingVoxels, warped, seen))
                                parallel.forEachPart(of: size.j * size.k) { _, lines in
                                    let (sx, sy, sz, movingVoxels, warped, seen) = pointers.value
                                    let sampler = TrilinearSampler(
                                        movingVoxels, size: (movingSize.i, movingSize.j, movingSize.k),
                                        outside: background)
                                    for line in lines {
                                        for i in 0..<size.i {
                                            let index = i + size.i * line
                                            let s = SIMD3(Double(sx[index]), Double(sy[index]), Double(sz[index]))
                                            let v = SIMD3(Double(i), Double(line % size.j), Double(line / size.j))
                                            let q = map.apply(v + s / spacing)
                                            warped[index] = sampler.value(at: q)
                                            seen[index] = sampler.contains(q)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One demons iteration: warp, forces, smoothed update added, field smoothed.
    mutating func iterate(options: RegistrationOptions) {
        warp()
        computeUpdate()
        let spacing = fixed.grid.spacing
        let relative = spacing.min() / spacing
        let updateSmoothing = GaussianSmoothing(sigmas: options.updateSigma * relative)
        let fieldSmoothing = GaussianSmoothing(sigmas: options.fieldSigma * relative)
        for axis in 0..<3 {
            updateSmoothing.apply(to: &update[axis], size: fixed.grid.size, scratch: &scratch, parallel: parallel)
            update[axis].withUnsafeBufferPointer { step in
                field[axis].withUnsafeMutableBufferPointer { field in
                    for index in 0..<field.count { field[index] += step[index] }
                }
            }
            fieldSmoothing.apply(to: &field[axis], size: fixed.grid.size, scratch: &scratch, parallel: parallel)
        }
    }

    /// The demons force at every voxel: `diff J / (|J|^2 + diff^2 / K)`, J the mean of the fixed
    /// and warped gradients (mm^-1), K the mean squared voxel size, which bounds each step to
    /// half a voxel.
    private mutating func computeUpdate() {
        let size = fixed.grid.size
        let spacing = fixed.grid.spacing
        let normaliser = Float((spacing * spacing).sum() / 3)
        let strides = [1, size.i, size.i * size.j]
        let lengths = size.axes
        // Taken out of `update` so that the three can be written at once.
        var (x, y, z) = (update[0], update[1], update[2])
        update = []
        defer { update = [x, y, z] }
        mappedFixed.withUnsafeBufferPointer { fixedValues in
            warped.withUnsafeBufferPointer { warped in
                seen.withUnsafeBufferPointer { seen in
                    x.withUnsafeMutableBufferPointer { ux in
                        y.withUnsafeMutableBufferPointer { uy in
                            z.withUnsafeMutableBufferPointer { uz in
                                let pointers = UncheckedSendable(value: (fixedValues, warped, seen, ux, uy, uz))
                                parallel.forEachPart(of: size.j * size.k) { _, lines in
                                    let (fixedValues, warped, seen, ux, uy, uz) = pointers.value
                                    for line in lines {
                                        let j = line % size.j, k = line / size.j
                                        for i in 0..<size.i {
                                            let index = i + size.i * line
                                            guard seen[index] else {
                                                ux[index] = 0; uy[index] = 0; uz[index] = 0
                                                continue
                                            }
                                            var gradient = SIMD3<Float>.zero
                                            for axis in 0..<3 {
                                                let at = axis == 0 ? i : axis == 1 ? j : k
                                                let lower = at > 0 ? index - strides[axis] : index
                                                let upper = at + 1 < lengths[axis] ? index + strides[axis] : index
                                                let span = Float(upper - lower) / Float(strides[axis]) * Float(spacing[axis])
                                                guard span > 0 else { continue }
                                                let fixedSlope = (fixedValues[upper] - fixedValues[lower]) / span
                                                let warpedSlope = (warped[upper] - warped[lower]) / span
                                                gradient[axis] = (fixedSlope + warpedSlope) / 2
                                            }
                                            let difference = fixedValues[index] - warped[index]
                                            let denominator = (gradient * gradient).sum()
                                                + difference * difference / normaliser
                                            let step = denominator > 1e-12 ? difference / denominator : 0
                                            ux[index] = step * gradient.x
                                            uy[index] = step * gradient.y
                                            uz[index] = step * gradient.z
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
