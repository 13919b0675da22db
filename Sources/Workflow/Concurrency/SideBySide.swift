import Dispatch
import Synchronization

/// Independent pieces of work (studies of a cohort, folds of a validation) done a few at a time.
public enum SideBySide {
    /// Calls `body` with each index of `0..<count` once, at most `jobs` calls at a time, each on
    /// whichever of `jobs` threads is free; indices are taken in order, so one job runs them one
    /// after another on the calling thread. Returns when every started call has returned. A call
    /// that returns false stops the work: no index is started after it.
    public static func forEach(count: Int, jobs: Int, _ body: @Sendable (_ index: Int) -> Bool) {
        guard jobs > 1, count > 1 else {
            for index in 0..<count {
                if !body(index) { return }
            }
            return
        }
        let next = Mutex((index: 0, stopped: false))
        DispatchQueue.concurrentPerform(iterations: min(jobs, count)) { _ in
            while let index = next.withLock({ state -> Int? in
                guard !state.stopped, state.index < count else { return nil }
                defer { state.index += 1 }
                return state.index
            }) {
                if !body(index) { next.withLock { $0.stopped = true } }
            }
        }
    }
}
