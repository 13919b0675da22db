/// The outcome of a local leave-one-out validation: every case segmented from the others, at every
/// support size, and the metrics summarised per support size and label.
public struct ValidationReport: Sendable, Equatable {
    /// One held-out case segmented with one support size.
    public struct CaseResult: Sendable, Equatable {
        /// The held-out case (its index in the case list) and the cases its support came from.
        public let caseIndex: Int
        public let supportCases: [Int]
        public let supportSize: Int
        /// The segmentation measured against the case's own labels, for every segmented label.
        public let evaluation: SegmentationEvaluation
    }

    /// One metric's spread over the cases, for one support size and label.
    public struct Summary: Sendable, Equatable {
        public let supportSize: Int
        public let label: Int32
        public let dice: MetricSummary
        public let iou: MetricSummary
        public let hausdorff95Millimetres: MetricSummary
        public let averageSurfaceDistanceMillimetres: MetricSummary
    }

    /// Ordered by support size (as given), then case.
    public let cases: [CaseResult]
    /// Ordered by support size (as given), then label.
    public let summaries: [Summary]

    init(cases: [CaseResult], supportSizes: [Int]) {
        self.cases = cases
        summaries = supportSizes.flatMap { size in
            let results = cases.filter { $0.supportSize == size }
            let labels = Set(results.flatMap { $0.evaluation.labels.map(\.label) }).sorted()
            return labels.map { label in
                let metrics = results.compactMap { $0.evaluation.labels.first { $0.label == label } }
                return Summary(
                    supportSize: size, label: label,
                    dice: MetricSummary(metrics.map(\.dice)), iou: MetricSummary(metrics.map(\.iou)),
                    hausdorff95Millimetres: MetricSummary(metrics.map(\.hausdorff95Millimetres)),
                    averageSurfaceDistanceMillimetres: MetricSummary(metrics.map(\.averageSurfaceDistanceMillimetres)))
            }
        }
    }
}
