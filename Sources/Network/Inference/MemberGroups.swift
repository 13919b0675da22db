/// How a block's loop over support members is cut so that it runs on several threads yet sums the
/// same way whatever the thread count: the members form fixed groups of consecutive members, whose
/// sizes depend only on the member count; each group is summed on one thread into that thread's
/// partial sums, and the partials are added to the totals in group order (`GroupSchedule`).
struct MemberGroups {
    /// Members per group at most: large enough that adding a group's partials to the totals is a
    /// small part of its work, small enough for several groups at S = 16.
    static let maximumSize = 8

    let memberCount: Int

    /// At least two groups from two members on, so that two threads share even a small set.
    var size: Int { max(1, min(Self.maximumSize, memberCount / 2)) }
    var count: Int { (memberCount + size - 1) / size }

    /// The members of group `group`.
    func members(of group: Int) -> Range<Int> {
        group * size..<min((group + 1) * size, memberCount)
    }
}
