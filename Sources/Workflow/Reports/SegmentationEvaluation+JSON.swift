extension SegmentationEvaluation {
    /// The evaluation as one JSON object, keys in a fixed order:
    /// `{"labels": {"1": {"dice": …, "iou": …, "hd95_mm": …, "assd_mm": …, "volume_pred_ml": …,
    /// "volume_truth_ml": …}, …}, "mean_dice": …}`. Infinite distances and an absent mean are null.
    public var json: String {
        let entries = labels.map { metrics in
            let fields = [
                ("dice", metrics.dice), ("iou", metrics.iou),
                ("hd95_mm", metrics.hausdorff95Millimetres), ("assd_mm", metrics.averageSurfaceDistanceMillimetres),
                ("volume_pred_ml", metrics.predictedMillilitres), ("volume_truth_ml", metrics.truthMillilitres),
            ]
            return "\"\(metrics.label)\": {"
                + fields.map { "\"\($0)\": \(JSONText.number($1))" }.joined(separator: ", ") + "}"
        }
        return "{\"labels\": {\(entries.joined(separator: ", "))}, \"mean_dice\": \(JSONText.number(meanDice))}"
    }
}
