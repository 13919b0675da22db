import Registration

/// How support volumes are brought onto the query before they are used.
public enum SupportAlignment: String, Sendable, CaseIterable {
    /// Used as stored: support slices are paired with query slices by their relative position.
    case none
    /// Registered to the query (rigid, then affine) and resampled onto its grid, so that paired
    /// slices show the same anatomy.
    case affine
    /// Affine, then a deformable (demons) step that also matches the shapes of structures.
    case deformable

    /// The registration settings of this alignment; nil for `.none`.
    func registrationOptions(threads: Int, memoryLimit: Int) -> RegistrationOptions? {
        guard self != .none else { return nil }
        var options = RegistrationOptions()
        options.deformable = self == .deformable
        // Two subjects' anatomy differs beyond what a field can match; a smoother field than the
        // registration's default carries labels better between them (QUALITY.md).
        options.fieldSigma = 2
        // A segmentation must not depend on how busy the machine is: the iteration counts bound
        // the deformable step's time (about 3 s for a 100 x 120 x 100 query on 2 cores), and
        // the clock only stops a runaway.
        options.deformableTimeLimit = 3600
        options.threads = threads
        options.memoryLimit = memoryLimit
        return options
    }
}
