import Foundation
import Testing
@testable import Workflow

/// Resizes checked against torch's PIL-compatible bilinear (antialiased) and nearest-exact resizes
/// (tools/reference/make_resampling_fixtures.py).
@Suite struct ResamplingTests {
    struct Case: Decodable {
        let width: Int, height: Int
        let new_width: Int, new_height: Int
        let image: [Float], linear: [Float], labels: [Float], nearest: [Float]
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "Fixtures/resampling.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    @Test func fixturesLoad() { #expect(Self.cases.count == 4) }

    @Test(arguments: 0..<4)
    func bilinearMatchesReference(_ index: Int) throws {
        let c = try #require(Self.cases.indices.contains(index) ? Self.cases[index] : nil)
        let resized = SliceImage(width: c.width, height: c.height, pixels: c.image)
            .resized(toWidth: c.new_width, height: c.new_height, filter: ResamplingWeights.init(linearFrom:to:))
        #expect(resized.pixels.count == c.linear.count)
        let largest = zip(resized.pixels, c.linear).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largest < 1e-5)
    }

    @Test(arguments: 0..<4)
    func nearestMatchesReference(_ index: Int) throws {
        let c = try #require(Self.cases.indices.contains(index) ? Self.cases[index] : nil)
        let resized = SliceImage(width: c.width, height: c.height, pixels: c.labels)
            .resized(toWidth: c.new_width, height: c.new_height, filter: ResamplingWeights.init(nearestFrom:to:))
        #expect(resized.pixels == c.nearest)
    }

    @Test func canvasKeepsPhysicalAspectByPadding() {
        // 10 px of 1 mm by 5 px of 4 mm: 10 mm wide, 20 mm high -> 16 x 32 on a 32 canvas.
        let canvas = ModelCanvas(side: 32, width: 10, height: 5, columnSpacing: 1, rowSpacing: 4)
        #expect(canvas.contentWidth == 16 && canvas.contentHeight == 32)
        #expect(canvas.contentColumn == 8 && canvas.contentRow == 0)
        let placed = canvas.place(image: SliceImage(width: 10, height: 5, repeating: 1))
        for row in 0..<32 {
            for column in 0..<32 {
                let inside = (8..<24).contains(column)
                #expect(placed.pixels[row * 32 + column] == (inside ? 1 : 0))
            }
        }
    }

    @Test func aSpanLongerThanTheSliceShrinksAndCentresItAndAShorterOneIsIgnored() {
        // 10 x 20 mm on a canvas spanning 40 mm: 8 x 16 pixels of 32, centred.
        let wide = ModelCanvas(side: 32, width: 10, height: 5, columnSpacing: 1, rowSpacing: 4, span: 40)
        #expect(wide.contentWidth == 8 && wide.contentHeight == 16)
        #expect(wide.contentColumn == 12 && wide.contentRow == 8)
        let placed = wide.place(image: SliceImage(width: 10, height: 5, repeating: 1))
        #expect(placed.pixels.reduce(0, +) == 8 * 16)
        #expect(wide.native(from: placed).pixels.allSatisfy { abs($0 - 1) < 1e-6 })  // back from the content only
        let short = ModelCanvas(side: 32, width: 10, height: 5, columnSpacing: 1, rowSpacing: 4, span: 5)
        #expect(short == ModelCanvas(side: 32, width: 10, height: 5, columnSpacing: 1, rowSpacing: 4))
    }

    /// Voxel sizes at Double's limits make the physical extents or the scale infinite: the content
    /// stays within the canvas instead of converting infinity or NaN to an Int.
    @Test(arguments: [
        (Double.greatestFiniteMagnitude, 1.0, 8, 1), (1, .greatestFiniteMagnitude, 1, 8),
        (.greatestFiniteMagnitude, .greatestFiniteMagnitude, 8, 8), (.leastNonzeroMagnitude, .leastNonzeroMagnitude, 8, 8),
        (.leastNonzeroMagnitude, 1, 1, 8),
    ])
    func extremeVoxelSizesStayOnTheCanvas(columnSpacing: Double, rowSpacing: Double, width: Int, height: Int) {
        let canvas = ModelCanvas(side: 8, width: 4, height: 4, columnSpacing: columnSpacing, rowSpacing: rowSpacing)
        #expect(canvas.contentWidth == width && canvas.contentHeight == height)
    }

    /// The tap windows stay inside the source for every ratio, however extreme.
    @Test(arguments: [(1, 100_000), (100_000, 1), (3, 1 << 20), (1 << 20, 7)])
    func weightsStayInsideTheSource(source: Int, target: Int) {
        for weights in [ResamplingWeights(linearFrom: source, to: target), ResamplingWeights(nearestFrom: source, to: target)] {
            #expect(weights.firstSource.count == target && weights.weights.count == target)
            let inside = zip(weights.firstSource, weights.weights).allSatisfy { first, taps in
                first >= 0 && first + taps.count <= source && !taps.isEmpty
            }
            #expect(inside)
        }
    }

    @Test func sliceOfCanvasSizeIsPlacedAndRestoredUnchanged() {
        let pixels = (0..<64).map { Float($0 % 7) / 7 }
        let canvas = ModelCanvas(side: 8, width: 8, height: 8, columnSpacing: 0.5, rowSpacing: 0.5)
        let placed = canvas.place(image: SliceImage(width: 8, height: 8, pixels: pixels))
        #expect(placed.pixels == pixels)
        #expect(canvas.native(from: placed).pixels == pixels)
    }

    @Test func mirroringReversesEveryRow() {
        let stacked: [Float] = [1, 2, 3, 4, 5, 6]
        #expect(SliceImage.mirroringRows(of: stacked, width: 3) == [3, 2, 1, 6, 5, 4])
    }
}
