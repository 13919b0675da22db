import Diagnostics

/// Chooses, for one query slice and one label, which pool slices form the support set.
///
/// Every support set holds at most `size` slices: slices where the label is present, and slices
/// where it is absent ("empty") so the network also learns what "nothing here" looks like. Empty
/// slices make up at most `maxEmptyShare` of a set; when the pool holds fewer slices than `size`,
/// the set is smaller. Each kind is ranked by the strategy and taken best first. Ensemble member 0
/// takes exactly the best; further members of the deterministic strategies (`position`,
/// `similar`) draw their slices at random (seeded) from the best twice as many, so that members
/// differ while staying close to the query; `random` members each draw a fresh random order.
struct SupportSelector {
    let pool: SupportPool
    let strategy: SupportStrategy
    let size: Int
    let maxEmptyShare: Double
    let seed: UInt64

    /// Pool indices holding each label, and those not holding it.
    private let foreground: [Int32: [Int]]
    private let empty: [Int32: [Int]]

    /// What a strategy needs to know about the query slice.
    struct Query {
        let slice: Int
        let relativePosition: Double
        /// One minus the correlation of the query's canvas image with each pool slice's (only
        /// for `similar`).
        let differences: [Float]?
    }

    /// A selector for `labels`; throws `.invalidArgument` for a label that no pool slice holds.
    init(
        pool: SupportPool, labels: [Int32], plane: AnatomicalPlane, strategy: SupportStrategy,
        size: Int, maxEmptyShare: Double, seed: UInt64
    ) throws(UVSegError) {
        var foreground: [Int32: [Int]] = [:]
        var empty: [Int32: [Int]] = [:]
        for label in labels {
            let holding = pool.candidates.indices.filter { pool.candidates[$0].presentLabels.contains(label) }
            guard !holding.isEmpty else {
                throw .invalidArgument(
                    "label \(label) does not appear in any \(plane.rawValue) support slice (at the network's "
                        + "input size); a support set without foreground cannot show the network what to find")
            }
            foreground[label] = holding
            empty[label] = pool.candidates.indices.filter { !pool.candidates[$0].presentLabels.contains(label) }
        }
        self.pool = pool
        self.strategy = strategy
        self.size = size
        self.maxEmptyShare = maxEmptyShare
        self.seed = seed
        self.foreground = foreground
        self.empty = empty
    }

    /// What the strategy needs about query slice `slice` at `relativePosition`, whose canvas
    /// image is `image`.
    func query(slice: Int, relativePosition: Double, image: [Float]) -> Query {
        guard strategy == .similar else {
            return Query(slice: slice, relativePosition: relativePosition, differences: nil)
        }
        let moments = ImageMoments(image)
        let differences = pool.candidates.map { candidate in
            1 - moments.correlation(image, with: candidate.image, moments: candidate.moments)
        }
        return Query(slice: slice, relativePosition: relativePosition, differences: differences)
    }

    /// The pool indices of the support set for `label` (one of the selector's labels), ensemble
    /// member `member`, query `query`: foreground slices first, each kind best first.
    func select(label: Int32, member: Int, for query: Query) -> [Int] {
        let holding = foreground[label] ?? []
        let lacking = empty[label] ?? []
        let (foregroundCount, emptyCount) = Self.counts(
            size: size, maxEmptyShare: maxEmptyShare, holding: holding.count, lacking: lacking.count)
        var generator = SplitMix64(seed: seed, streams: UInt64(member), UInt64(bitPattern: Int64(label)))
        let rankedHolding = rank(holding, for: query, using: &generator)
        let rankedLacking = rank(lacking, for: query, using: &generator)
        guard member > 0, strategy != .random else {
            return Array(rankedHolding.prefix(foregroundCount) + rankedLacking.prefix(emptyCount))
        }
        var sampler = SplitMix64(
            seed: seed, streams: UInt64(member), UInt64(bitPattern: Int64(label)), UInt64(query.slice))
        return sample(foregroundCount, fromBest: rankedHolding, using: &sampler)
            + sample(emptyCount, fromBest: rankedLacking, using: &sampler)
    }

    /// How many foreground and empty slices a set of at most `size` takes from `holding` slices
    /// with the label and `lacking` without it, empty ones at most `maxEmptyShare` (in [0, 1)) of
    /// the set. The shares are bounded in `Double` before they become counts: near a share of 1
    /// the empty bound exceeds any `Int`.
    static func counts(size: Int, maxEmptyShare: Double, holding: Int, lacking: Int) -> (foreground: Int, empty: Int) {
        let emptyQuota = Self.count(Double(size) * maxEmptyShare, atMost: lacking)
        let foregroundCount = min(holding, size - emptyQuota)
        // Empty slices may be at most maxEmptyShare of the set actually built.
        let emptyBound = Double(foregroundCount) * maxEmptyShare / (1 - maxEmptyShare) + 1e-9
        return (foregroundCount, Self.count(emptyBound, atMost: emptyQuota))
    }

    /// `value` rounded down, at most `limit` (at least 0).
    private static func count(_ value: Double, atMost limit: Int) -> Int {
        let bounded = min(value.rounded(.down), Double(limit))
        return bounded > 0 ? Int(bounded) : 0
    }

    /// `indices` ordered best first by the strategy.
    private func rank(_ indices: [Int], for query: Query, using generator: inout SplitMix64) -> [Int] {
        switch strategy {
        case .random:
            return generator.shuffled(indices)
        case .similar:
            let differences = query.differences ?? []
            return indices.sorted { (differences[$0], $0) < (differences[$1], $1) }
        case .position:
            return interleavedByVolume(indices, nearest: query.relativePosition)
        }
    }

    /// Each volume's slices ordered by distance from `position`, then taken in turns (the nearest
    /// of each volume, then the second nearest of each, ...), so every labelled volume contributes.
    private func interleavedByVolume(_ indices: [Int], nearest position: Double) -> [Int] {
        var byVolume: [Int: [Int]] = [:]
        for index in indices { byVolume[pool.candidates[index].volume, default: []].append(index) }
        let columns = byVolume.keys.sorted().map { volume in
            (byVolume[volume] ?? []).sorted { first, second in
                let a = abs(pool.candidates[first].relativePosition - position)
                let b = abs(pool.candidates[second].relativePosition - position)
                return (a, first) < (b, second)
            }
        }
        let depth = columns.map(\.count).max() ?? 0
        return (0..<depth).flatMap { rank in columns.compactMap { rank < $0.count ? $0[rank] : nil } }
    }

    /// `count` of the best `2 * count` of `ranked`, chosen at random, kept in rank order.
    private func sample(_ count: Int, fromBest ranked: [Int], using generator: inout SplitMix64) -> [Int] {
        let best = Array(ranked.prefix(2 * count))
        let chosen = Set(generator.shuffled(Array(best.indices)).prefix(count))
        return best.indices.filter(chosen.contains).map { best[$0] }
    }
}
