import Workflow

/// The range of `--jobs`: pieces of work done side by side (`UniverSegModel.shared(among:options:)`
/// gives each its share of the threads and memory).
enum JobShares {
    /// Refuses a number of jobs outside 1...`UniverSegModel.maximumThreadCount`.
    static func check(_ jobs: Int) throws(UVSegError) {
        guard (1...UniverSegModel.maximumThreadCount).contains(jobs) else {
            throw .invalidArgument("--jobs must be from 1 to \(UniverSegModel.maximumThreadCount), got \(jobs)")
        }
    }
}
