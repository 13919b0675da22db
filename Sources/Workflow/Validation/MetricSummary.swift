/// The mean and spread of one metric over the cases of a validation.
public struct MetricSummary: Sendable, Equatable {
    /// The mean of the finite values; nil when there are none.
    public let mean: Double?
    /// The sample standard deviation (n - 1 in the denominator) of the finite values; 0 for one
    /// value, nil for none.
    public let standardDeviation: Double?
    /// How many values were finite (a distance is infinite where a label was missed entirely or
    /// found where there is none; see `LabelMetrics`).
    public let finiteCount: Int
    /// How many values there were in all.
    public let count: Int

    /// The summary of `values`.
    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        count = values.count
        finiteCount = finite.count
        guard !finite.isEmpty else {
            mean = nil
            standardDeviation = nil
            return
        }
        let mean = finite.reduce(0, +) / Double(finite.count)
        self.mean = mean
        standardDeviation = finite.count < 2
            ? 0 : (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)).squareRoot()
    }
}
