/// How well one support volume lined up with the query, for a caller to warn about a poor match.
public struct AlignmentReport: Sendable, Equatable {
    /// The support volume's position in the support list, from 0.
    public let support: Int
    /// The correlation ratio (in [0, 1]) of the support image carried onto the query's grid,
    /// given the query, after the affine step and after the whole alignment. Below about 0.5
    /// for two scans of one kind, the volumes did not line up; a higher value does not prove that
    /// they did (an unrelated smooth image can reach 0.7).
    public let affineSimilarity: Double
    public let similarity: Double

    /// The similarity below which a support volume most likely did not line up.
    public static let poorSimilarity = 0.5

    public var isPoor: Bool { similarity < Self.poorSimilarity }
}
