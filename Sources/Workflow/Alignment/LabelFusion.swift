/// How the labels propagated from several support volumes are combined into one probability.
public enum LabelFusion: String, Sendable, CaseIterable {
    /// Every support volume has the same say.
    case majority
    /// Each support volume's say at a voxel grows with how well its image matches the query's
    /// around that voxel (local normalised cross-correlation, squared; negative counts as none),
    /// so a volume that aligned badly somewhere is outvoted there.
    case local
}
