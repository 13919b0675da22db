/// Where a native slice goes inside the square image the network takes, and how to get back.
///
/// The slice is scaled by one factor in both directions and centred; the rest of the canvas is
/// padded with 0. The canvas side spans a given physical length (`span`, mm), the same for the
/// query and every support volume of a segmentation, or the slice's longer physical side (pixel
/// count times pixel spacing) when that is longer. Keeping the physical aspect ratio and one scale
/// means anatomy is neither stretched nor scaled differently in volumes of other shapes, voxel
/// sizes or fields of view, so support and query slices look alike. Images are
/// resized with `ResamplingWeights(linearFrom:to:)` (PIL's bilinear, as the published examples
/// were), label maps with nearest neighbour, and probabilities come back bilinearly from the
/// content area before they are thresholded.
struct ModelCanvas: Equatable {
    /// The canvas side in pixels (the network's input size).
    let side: Int
    /// The native slice size in pixels.
    let nativeWidth: Int
    let nativeHeight: Int
    /// The slice's content area inside the canvas.
    let contentWidth: Int
    let contentHeight: Int
    let contentColumn: Int
    let contentRow: Int

    /// The canvas for slices of `width` x `height` pixels whose pixels measure `columnSpacing` x
    /// `rowSpacing` mm (positive), its side spanning `span` mm or the slice's longer side if that
    /// is longer (0: always the slice's). Each content side is at least one pixel.
    init(side: Int, width: Int, height: Int, columnSpacing: Double, rowSpacing: Double, span: Double = 0) {
        let physicalWidth = Double(width) * columnSpacing
        let physicalHeight = Double(height) * rowSpacing
        let pixelsPerMillimetre = Double(side) / max(physicalWidth, physicalHeight, span)
        // Bounded before it becomes an Int: voxel sizes near Double's limits make the product
        // infinite, or NaN (an infinite extent times 0), for the longer side.
        func contentPixels(_ extent: Double) -> Int {
            let pixels = (extent * pixelsPerMillimetre).rounded()
            guard !pixels.isNaN else { return side }
            return pixels < 1 ? 1 : pixels < Double(side) ? Int(pixels) : side
        }
        self.side = side
        nativeWidth = width
        nativeHeight = height
        contentWidth = contentPixels(physicalWidth)
        contentHeight = contentPixels(physicalHeight)
        contentColumn = (side - contentWidth) / 2
        contentRow = (side - contentHeight) / 2
    }

    /// The canvas span that shows the slices of every stack at one scale: the longest physical
    /// slice side among them, in mm.
    static func span(of stacks: [SliceStack]) -> Double {
        stacks.map { max(Double($0.width) * $0.columnSpacing, Double($0.height) * $0.rowSpacing) }.max() ?? 0
    }

    /// An image slice on the canvas: resized bilinearly, padded with 0.
    func place(image slice: SliceImage) -> SliceImage {
        pad(slice.resized(toWidth: contentWidth, height: contentHeight, filter: ResamplingWeights.init(linearFrom:to:)))
    }

    /// A label slice on the canvas: resized by nearest neighbour, padded with background (0).
    func place(labels slice: SliceImage) -> SliceImage {
        pad(slice.resized(toWidth: contentWidth, height: contentHeight, filter: ResamplingWeights.init(nearestFrom:to:)))
    }

    /// A canvas-sized map (probabilities) brought back to the native slice: the content area,
    /// resized bilinearly to the native size.
    func native(from canvas: SliceImage) -> SliceImage {
        var content = SliceImage(width: contentWidth, height: contentHeight, repeating: 0)
        for row in 0..<contentHeight {
            let source = (contentRow + row) * side + contentColumn
            content.pixels.replaceSubrange(
                row * contentWidth..<(row + 1) * contentWidth, with: canvas.pixels[source..<source + contentWidth])
        }
        return content.resized(toWidth: nativeWidth, height: nativeHeight, filter: ResamplingWeights.init(linearFrom:to:))
    }

    private func pad(_ content: SliceImage) -> SliceImage {
        var canvas = SliceImage(width: side, height: side, repeating: 0)
        for row in 0..<contentHeight {
            let target = (contentRow + row) * side + contentColumn
            canvas.pixels.replaceSubrange(
                target..<target + contentWidth, with: content.pixels[row * contentWidth..<(row + 1) * contentWidth])
        }
        return canvas
    }
}
