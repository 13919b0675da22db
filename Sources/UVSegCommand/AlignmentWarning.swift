import Foundation
import Workflow

/// Warns on standard error, even with `--quiet`, about support volumes that did not line up with
/// a query: their propagated labels, and the slices paired with the query's, show other anatomy.
enum AlignmentWarning {
    static func print(_ reports: [AlignmentReport], query: String) {
        for report in reports where report.isPoor {
            let similarity = String(format: "%.2f", report.similarity)
            FileHandle.standardError.write(Data((
                "uvseg: warning: support volume \(report.support + 1) lined up poorly with \(query) (similarity "
                    + "\(similarity), below \(AlignmentReport.poorSimilarity)); check the result\n").utf8))
        }
    }
}
