import Diagnostics

/// How `Registration.align` works; the defaults suit brain-sized volumes at 1-2 mm.
public struct RegistrationOptions: Sendable, Equatable {
    /// Whether a deformable step follows the affine one.
    public var deformable = true
    /// The pyramid of the affine step, coarsest first, in units of the fixed volume's finest voxel.
    public var affineShrinkFactors = [4, 2, 1]
    /// How many of the coarsest levels the rigid stage runs on before the affine stage runs on all.
    public var rigidLevels = 2
    /// Optimiser iterations per level and stage at most.
    public var affineIterations = 40
    /// The pyramid of the deformable step, coarsest first.
    public var deformableShrinkFactors = [4, 2, 1]
    /// Demons iterations per deformable level, coarsest first.
    public var deformableIterations = [60, 40, 30]
    /// Gaussian smoothing of each demons update (fluid-like regularisation), in voxels of the level.
    public var updateSigma = 1.0
    /// Gaussian smoothing of the whole displacement field after each update (diffusion-like
    /// regularisation), in voxels of the level.
    public var fieldSigma = 1.0
    /// Seconds the deformable step may take: when they are spent it stops iterating and returns the
    /// field it has, brought to full resolution.
    public var deformableTimeLimit = 12.0
    /// Bytes the alignment may allocate for its pyramids, fields and images.
    public var memoryLimit = MemoryBudget.defaultLimit
    /// Threads; 0 uses every core.
    public var threads = 0

    public init() {}

    /// Refuses settings that cannot work.
    func validated() throws(UVSegError) -> RegistrationOptions {
        guard !affineShrinkFactors.isEmpty, affineShrinkFactors.allSatisfy({ $0 >= 1 }),
            deformableShrinkFactors.allSatisfy({ $0 >= 1 })
        else {
            throw .invalidArgument("registration shrink factors must be at least 1, and the affine step needs one")
        }
        guard deformableIterations.count == deformableShrinkFactors.count, deformableIterations.allSatisfy({ $0 >= 0 })
        else {
            throw .invalidArgument("registration needs one non-negative iteration count per deformable level")
        }
        guard affineIterations >= 0, rigidLevels >= 0, threads >= 0 else {
            throw .invalidArgument("registration iteration, level and thread counts must not be negative")
        }
        guard updateSigma >= 0, fieldSigma >= 0, updateSigma.isFinite, fieldSigma.isFinite,
            deformableTimeLimit >= 0, !deformableTimeLimit.isNaN
        else {
            throw .invalidArgument("registration smoothing and time limits must be finite and not negative")
        }
        return self
    }
}
