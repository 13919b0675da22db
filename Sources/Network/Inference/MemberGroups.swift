/// How a block's loop over support members is cut so that it runs on several threads yet sums the
/// same way whatever the thread count: the members form fixed groups of consecutive members, whose
/// sizes depend only on the member count; each group is summed on one thread into that thread's
/// partial sums, and the partials are added to the totals in group order (`GroupSchedule`).
struct MemberGroups {
    /// Members per group at most: large enough that adding a group's partials to the totals is a
    /// small part of its work, small enough for several groups at S = 16.
    static let maximumSize = 8
    /// From this many members on, the last groups shrink (`init`).
    static let shrinkingTailFrom = 4 * maximumSize

    let memberCount: Int
    /// The first member of each group, then memberCount.
    private let boundaries: [Int]

    /// At least two groups from two members on, so that two threads share even a small set. From
    /// `shrinkingTailFrom` members on, each group takes at most a third of the members left (two
    /// at least, unless only one is left): the lanes then run out of work within a couple of
    /// members of one another instead of up to a whole group apart, and few groups are added.
    init(memberCount: Int) {
        self.memberCount = memberCount
        let size = max(1, min(Self.maximumSize, memberCount / 2))
        var boundaries = [0]
        var start = 0
        while start < memberCount {
            let remaining = memberCount - start
            let shrunk = memberCount >= Self.shrinkingTailFrom ? max(2, remaining / 3) : size
            start += min(size, shrunk, remaining)
            boundaries.append(start)
        }
        self.boundaries = boundaries
    }

    var count: Int { boundaries.count - 1 }

    /// The members of group `group`.
    func members(of group: Int) -> Range<Int> {
        boundaries[group]..<boundaries[group + 1]
    }
}
