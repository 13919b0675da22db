import Diagnostics
import NIfTI

/// How well a predicted label map agrees with the true one, label by label (see `LabelMetrics`
/// for the definitions and edge cases).
public struct SegmentationEvaluation: Sendable, Equatable {
    /// One entry per evaluated label, in ascending label order.
    public let labels: [LabelMetrics]

    /// Evaluates every label other than background that occurs in either map.
    ///
    /// Both maps must be on the same grid: the same size, and affines that place each voxel within
    /// a micrometre of each other (`VolumeChecks.requireSameGrid`); otherwise this throws
    /// `.invalidArgument`.
    public init(prediction: LabelMap, truth: LabelMap) throws(UVSegError) {
        try self.init(prediction: prediction, truth: truth, requested: nil)
    }

    /// Evaluates the given labels, each from 1 to `LabelMap.largestLabel`, whether or not they
    /// occur; each label is reported once. Throws as `init(prediction:truth:)` does, and
    /// `.invalidArgument` for a label out of range.
    public init(prediction: LabelMap, truth: LabelMap, labels: [Int32]) throws(UVSegError) {
        for label in labels where !(1...LabelMap.largestLabel).contains(label) {
            throw .invalidArgument("a label to evaluate must be from 1 to \(LabelMap.largestLabel), got \(label)")
        }
        try self.init(prediction: prediction, truth: truth, requested: Set(labels).sorted())
    }

    /// The mean Dice over the evaluated labels; nil when there are none.
    public var meanDice: Double? {
        labels.isEmpty ? nil : labels.reduce(0) { $0 + $1.dice } / Double(labels.count)
    }

    private init(prediction: LabelMap, truth: LabelMap, requested: [Int32]?) throws(UVSegError) {
        try VolumeChecks.requireSameGrid(
            truth.size, truth.geometry, prediction.size, prediction.geometry, roles: ("truth", "prediction"))
        let spacing = SIMD3(truth.geometry.spacing[0], truth.geometry.spacing[1], truth.geometry.spacing[2])
        let predictionBoxes = prediction.boundingBoxes
        let truthBoxes = truth.boundingBoxes
        let evaluated = requested ?? Set(predictionBoxes.keys).union(truthBoxes.keys).sorted()
        labels = evaluated.map { label in
            // Work inside the box that holds the label in both maps: every surface voxel of either
            // lies in it, and outside it there is only background.
            let boxes = [predictionBoxes[label], truthBoxes[label]].compactMap { $0 }
            guard let first = boxes.first else { return LabelMetrics(absentLabel: label) }
            let box = boxes.dropFirst().reduce(first) { $0.union($1) }
            return LabelMetrics(
                label: label,
                prediction: BinaryMask(label: label, in: prediction, within: box),
                truth: BinaryMask(label: label, in: truth, within: box),
                spacing: spacing)
        }
    }
}
