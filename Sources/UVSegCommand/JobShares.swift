import Workflow

/// Work done side by side (`--jobs`) shares what one piece of it would have alone: the threads and
/// the model's memory limit, so the run stays within the bounds of one.
enum JobShares {
    /// Refuses a number of jobs outside 1...`UniverSegModel.maximumThreadCount`.
    static func check(_ jobs: Int) throws(UVSegError) {
        guard (1...UniverSegModel.maximumThreadCount).contains(jobs) else {
            throw .invalidArgument("--jobs must be from 1 to \(UniverSegModel.maximumThreadCount), got \(jobs)")
        }
    }

    /// `model` with each job's share of its memory limit, and `options.threads` set to each job's
    /// share of the threads (at least one).
    static func share(
        _ model: UniverSegModel, _ options: inout SegmentationOptions, among jobs: Int
    ) throws(UVSegError) -> UniverSegModel {
        let threads = options.threads == 0 ? UniverSegModel.defaultThreadCount : options.threads
        options.threads = max(1, threads / jobs)
        return try model.limitingMemory(to: model.memoryLimit / jobs)
    }
}
