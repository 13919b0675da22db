import Workflow

/// `--jobs`: how many pieces of work (studies, validation folds) run side by side, each with its
/// share of the threads and memory (`UniverSegModel.shared(among:options:)`).
enum JobsOption {
    /// Refuses a number of jobs outside 1...`UniverSegModel.maximumThreadCount`.
    static func check(_ jobs: Int) throws(UVSegError) {
        guard (1...UniverSegModel.maximumThreadCount).contains(jobs) else {
            throw .invalidArgument("--jobs must be from 1 to \(UniverSegModel.maximumThreadCount), got \(jobs)")
        }
    }
}
