import NIfTI

/// A grid of voxel values seen as a stack of 2-D slices along an anatomical plane.
///
/// The grid must already be in RAS+ orientation (see `AnatomicalPlane`). Reading a slice and
/// writing it back are exact copies, so slicing and reassembly lose nothing.
struct SliceStack {
    let plane: AnatomicalPlane
    let size: GridSize
    /// Voxel sizes in mm along i, j, k.
    let spacing: [Double]

    /// The number of slices along the plane's normal.
    var count: Int { size.axes[plane.normalAxis] }
    /// Pixels per slice row and per slice column.
    var width: Int { size.axes[plane.inPlaneAxes.column] }
    var height: Int { size.axes[plane.inPlaneAxes.row] }
    /// The pixel size in mm along a slice's rows and columns.
    var columnSpacing: Double { spacing[plane.inPlaneAxes.column] }
    var rowSpacing: Double { spacing[plane.inPlaneAxes.row] }

    /// The position of slice `index` along the normal, 0 for the first and 1 for the last slice.
    func relativePosition(of index: Int) -> Double {
        count > 1 ? Double(index) / Double(count - 1) : 0.5
    }

    /// Slice `index` of `voxels` (stored i fastest, as `Volume.voxels`).
    func slice(_ index: Int, of voxels: [Float]) -> SliceImage {
        var image = SliceImage(width: width, height: height, repeating: 0)
        forEachPixel(of: index) { pixel, voxel in image.pixels[pixel] = voxels[voxel] }
        return image
    }

    /// Writes `image` into slice `index` of `voxels`.
    func store(_ image: SliceImage, at index: Int, into voxels: inout [Float]) {
        forEachPixel(of: index) { pixel, voxel in voxels[voxel] = image.pixels[pixel] }
    }

    /// Calls `body(pixel index in the slice, voxel index in the grid)` for every pixel of slice `index`.
    private func forEachPixel(of index: Int, _ body: (Int, Int) -> Void) {
        let strides = [1, size.i, size.i * size.j]
        let columnStride = strides[plane.inPlaneAxes.column]
        let rowStride = strides[plane.inPlaneAxes.row]
        let base = index * strides[plane.normalAxis]
        var pixel = 0
        for row in 0..<height {
            var voxel = base + row * rowStride
            for _ in 0..<width {
                body(pixel, voxel)
                pixel += 1
                voxel += columnStride
            }
        }
    }
}
