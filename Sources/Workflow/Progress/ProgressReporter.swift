import Diagnostics

/// Passes progress of a long call to a handler, and stops the call when the handler cancels.
///
/// The workflow reports between units of work (query slices, cases), so a cancel takes effect at
/// the next such boundary; the call then throws `UVSegError.cancelled` and returns nothing. A
/// reporter can hand out sub-reporters for parts of the work, each mapping its own 0...1 onto its
/// share of the parent's range, so nested steps report one non-decreasing fraction overall.
public struct ProgressReporter {
    /// Receives the overall fraction done (0...1, non-decreasing) and the current stage.
    public typealias Handler = (_ fraction: Double, _ stage: ProgressStage) -> ProgressDecision

    private let handler: Handler?
    private let range: ClosedRange<Double>

    /// A reporter that forwards to `handler`.
    public init(_ handler: @escaping Handler) {
        self.init(handler: handler, range: 0...1)
    }

    private init(handler: Handler?, range: ClosedRange<Double>) {
        self.handler = handler
        self.range = range
    }

    /// A reporter that reports to no one and never cancels.
    public static var silent: ProgressReporter { ProgressReporter(handler: nil, range: 0...1) }

    /// Reports that `fraction` (0...1) of this reporter's part is done; throws `.cancelled` when the
    /// handler asks to stop.
    public func report(_ fraction: Double, _ stage: ProgressStage) throws(UVSegError) {
        guard let handler else { return }
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let overall = range.lowerBound + clamped * (range.upperBound - range.lowerBound)
        if handler(overall, stage) == .cancel { throw .cancelled }
    }

    /// A reporter for the part of this one's work from `start` to `end` (fractions of this one).
    public func part(from start: Double, to end: Double) -> ProgressReporter {
        let width = range.upperBound - range.lowerBound
        let lower = range.lowerBound + min(max(start, 0), 1) * width
        let upper = range.lowerBound + min(max(end, start, 0), 1) * width
        return ProgressReporter(handler: handler, range: lower...max(lower, upper))
    }

    /// The `index`-th of `count` equal parts of this reporter's work.
    public func part(_ index: Int, of count: Int) -> ProgressReporter {
        guard count > 0 else { return self }
        return part(from: Double(index) / Double(count), to: Double(index + 1) / Double(count))
    }
}
