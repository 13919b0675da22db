extension ValidationReport {
    /// The report as one JSON object, keys in a fixed order:
    /// `{"cases": [{"case": 1, "files": …, "support_size": …, "support_cases": […], "metrics": <as
    /// SegmentationEvaluation.json>}, …], "summary": [{"support_size": …, "label": …, "cases": …,
    /// "dice": {"mean": …, "sd": …, "n": …}, "iou": …, "hd95_mm": …, "assd_mm": …}, …]}`.
    ///
    /// Cases are numbered from 1 in the order they were given. `caseFiles`, one entry per case in
    /// that order, becomes each case's "files"; without it (volumes that came from memory) cases
    /// have no "files". A mean or sd without finite values is null; "n" counts the finite values.
    public func json(caseFiles: [String]? = nil) -> String {
        let caseEntries = cases.map { result in
            let files = caseFiles.flatMap { $0.indices.contains(result.caseIndex) ? $0[result.caseIndex] : nil }
            return "{\"case\": \(result.caseIndex + 1), "
                + (files.map { "\"files\": \(JSONText.string($0)), " } ?? "")
                + "\"support_size\": \(result.supportSize), "
                + "\"support_cases\": [\(result.supportCases.map { String($0 + 1) }.joined(separator: ", "))], "
                + "\"metrics\": \(result.evaluation.json)}"
        }
        let summaryEntries = summaries.map { summary in
            let metrics = [
                ("dice", summary.dice), ("iou", summary.iou), ("hd95_mm", summary.hausdorff95Millimetres),
                ("assd_mm", summary.averageSurfaceDistanceMillimetres),
            ].map { name, value in
                "\"\(name)\": {\"mean\": \(JSONText.number(value.mean)), "
                    + "\"sd\": \(JSONText.number(value.standardDeviation)), \"n\": \(value.finiteCount)}"
            }
            return "{\"support_size\": \(summary.supportSize), \"label\": \(summary.label), "
                + "\"cases\": \(summary.dice.count), " + metrics.joined(separator: ", ") + "}"
        }
        return "{\"cases\": [\(caseEntries.joined(separator: ", "))], "
            + "\"summary\": [\(summaryEntries.joined(separator: ", "))]}"
    }
}
