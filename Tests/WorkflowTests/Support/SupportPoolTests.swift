import Diagnostics
import NIfTI
import Testing
@testable import Workflow

@Suite struct SupportPoolTests {
    /// One axial slice of `side` x `side` voxels of 1 mm holding a 4 x 4 mm square of label 1.
    static func squareCase(side: Int) -> PreparedCase {
        var labels = [Float](repeating: 0, count: side * side)
        for row in 2..<6 { for column in 2..<6 { labels[row * side + column] = 1 } }
        return PreparedCase(
            size: GridSize(i: side, j: side, k: 1), spacing: [1, 1, 1], image: labels, labels: labels)
    }

    @Test("on one span, anatomy of one physical size covers as many canvas pixels in every field of view")
    func oneSpanKeepsAnatomyAtOneScale() throws {
        let cases = [Self.squareCase(side: 8), Self.squareCase(side: 16)]
        let span = ModelCanvas.span(of: cases.map { SliceStack(plane: .axial, size: $0.size, spacing: $0.spacing) })
        #expect(span == 16)
        func squarePixels(span: Double) throws -> [Float] {
            try SupportPool(volumes: cases, plane: .axial, side: 16, span: span, progress: .silent)
                .candidates.map { $0.labels.reduce(0, +) }
        }
        #expect(try squarePixels(span: span) == [16, 16])
        #expect(try squarePixels(span: 0) == [64, 16])  // each filling the canvas: the smaller view magnified
    }
}
