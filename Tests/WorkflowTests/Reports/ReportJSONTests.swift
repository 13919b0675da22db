import Foundation
import NIfTI
import Testing
@testable import Workflow

/// The JSON reports read back with Foundation's parser, an implementation independent of the writer.
@Suite struct ReportJSONTests {
    /// The value of a JSON text, fragments (a bare number or string) allowed.
    static func parse(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
    }

    /// Whether a parsed JSON number is `expected`, up to the last bits: Foundation's parser does
    /// not always round decimals correctly (exact round trips are checked with `Double(String)`).
    static func number(_ value: Any?, is expected: Double?) -> Bool {
        guard let expected, let parsed = (value as? NSNumber)?.doubleValue else { return false }
        return abs(parsed - expected) <= 4 * expected.ulp
    }

    @Test func numbersReadBackAsTheSameDoubleAndNonFiniteAsNull() {
        let values: [Double] = [
            0, 1, -2.5, 0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123456789.125,
        ]
        for value in values {
            let text = JSONText.number(value)
            #expect(Double(text) == value, "\(value) written as \(text)")
        }
        #expect(JSONText.number(1) == "1.0")
        #expect(JSONText.number(0.1) == "0.1")
        for value in [Double.infinity, -.infinity, .nan, nil] {
            #expect(JSONText.number(value) == "null")
        }
    }

    @Test func stringsReadBackUnchanged() throws {
        let texts = ["/data/case 1.nii.gz:/data/labels.nii.gz", "quote \" backslash \\ tab \t newline \n", "Zürich 脳", "\u{01}"]
        for text in texts {
            #expect(try Self.parse(JSONText.string(text)) as? String == text)
        }
    }

    @Test func evaluationHasEveryLabelWithMissingDistancesAsNull() throws {
        let truth = try labelMap(GridSize(i: 6, j: 6, k: 4), spacing: [1, 1, 2]) { i, _, k in
            i < 3 ? 1 : (k == 3 ? 2 : 0)
        }
        let prediction = try labelMap(GridSize(i: 6, j: 6, k: 4), spacing: [1, 1, 2]) { i, _, _ in i < 2 ? 1 : 0 }
        let evaluation = try SegmentationEvaluation(prediction: prediction, truth: truth)
        let object = try #require(try Self.parse(evaluation.json) as? [String: Any])
        let labels = try #require(object["labels"] as? [String: [String: Any]])
        #expect(Set(labels.keys) == ["1", "2"])
        for metrics in evaluation.labels {
            let entry = try #require(labels[String(metrics.label)])
            #expect(Self.number(entry["dice"], is: metrics.dice))
            #expect(Self.number(entry["volume_truth_ml"], is: metrics.truthMillilitres))
        }
        // Label 2 is only in the truth: Dice 0, no surface to measure to.
        #expect(Self.number(labels["2"]?["dice"], is: 0))
        #expect(labels["2"]?["hd95_mm"] is NSNull && labels["2"]?["assd_mm"] is NSNull)
        #expect(Self.number(labels["1"]?["hd95_mm"], is: evaluation.labels[0].hausdorff95Millimetres))
        #expect(Self.number(object["mean_dice"], is: evaluation.meanDice))
    }

    @Test func validationNumbersCasesFromOneAndNamesFilesOnlyWhenGiven() throws {
        let cases = try [[8, 8, 6], [7, 8, 6]].map { size in
            try Phantom.ellipsoid(size: size, spacing: [1, 1, 2]).labelledVolume(.ras)
        }
        let report = try LocalValidation(
            model: IdentityModel.sharp(inputSize: 16), options: SegmentationOptions(), supportSizes: [2, 3]
        ).run(cases: cases)
        let files = ["a.nii:a_seg.nii", "b.nii:b_seg.nii"]
        let named = try #require(try Self.parse(report.json(caseFiles: files)) as? [String: Any])
        let unnamed = try #require(try Self.parse(report.json()) as? [String: Any])
        let namedCases = try #require(named["cases"] as? [[String: Any]])
        let unnamedCases = try #require(unnamed["cases"] as? [[String: Any]])
        #expect(namedCases.compactMap { $0["case"] as? Int } == [1, 2, 1, 2])
        #expect(namedCases.compactMap { $0["support_size"] as? Int } == [2, 2, 3, 3])
        #expect(namedCases.compactMap { $0["support_cases"] as? [Int] } == [[2], [1], [2], [1]])
        #expect(namedCases.compactMap { $0["files"] as? String } == files + files)
        #expect(unnamedCases.allSatisfy { $0["files"] == nil })
        let summaries = try #require(unnamed["summary"] as? [[String: Any]])
        #expect(summaries.count == report.summaries.count)
        for (entry, summary) in zip(summaries, report.summaries) {
            #expect(entry["support_size"] as? Int == summary.supportSize)
            #expect(entry["label"] as? Int == Int(summary.label))
            let dice = try #require(entry["dice"] as? [String: Any])
            #expect(Self.number(dice["mean"], is: summary.dice.mean))
            #expect(dice["n"] as? Int == summary.dice.finiteCount && entry["cases"] as? Int == 2)
        }
    }
}
