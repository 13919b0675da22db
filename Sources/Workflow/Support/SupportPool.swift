import Diagnostics

/// Every slice of the labelled volumes along one plane, placed on the network's input canvas: the
/// candidates support sets are chosen from.
struct SupportPool {
    /// One slice of one labelled volume, ready for the network.
    struct Candidate {
        /// Which labelled volume (index into the support list) and which slice of it.
        let volume: Int
        let slice: Int
        /// The slice's position along the plane's normal in its volume, 0...1.
        let relativePosition: Double
        /// The prepared image and the label map on the canvas, `side * side` values each.
        let image: [Float]
        let labels: [Float]
        /// The image's moments, for ranking by correlation with the query slice.
        let moments: ImageMoments
        /// The labels with at least one pixel on the canvas (what the network would see).
        let presentLabels: Set<Int32>
    }

    let candidates: [Candidate]
    /// The physical length (mm) the canvas side spans, for the query's slices to share the scale.
    let span: Double

    /// Cuts every labelled volume (in RAS+ orientation, intensities prepared) into slices along
    /// `plane` and places them on a canvas of `side` pixels spanning `span` mm (see `ModelCanvas`).
    /// Reports to `progress` per slice.
    init(
        volumes: [PreparedCase], plane: AnatomicalPlane, side: Int, span: Double, progress: ProgressReporter
    ) throws(UVSegError) {
        var candidates = [Candidate]()
        for (index, volume) in volumes.enumerated() {
            let stack = SliceStack(plane: plane, size: volume.size, spacing: volume.spacing)
            let canvas = ModelCanvas(
                side: side, width: stack.width, height: stack.height,
                columnSpacing: stack.columnSpacing, rowSpacing: stack.rowSpacing, span: span)
            for slice in 0..<stack.count {
                try progress.report((Double(index) + Double(slice) / Double(stack.count)) / Double(volumes.count), .preparing)
                // Nearest-neighbour copies of label map values (whole numbers up to 2^24): each
                // converts to Int32 exactly.
                let labels = canvas.place(labels: stack.slice(slice, of: volume.labels)).pixels
                let image = canvas.place(image: stack.slice(slice, of: volume.image)).pixels
                candidates.append(Candidate(
                    volume: index, slice: slice, relativePosition: stack.relativePosition(of: slice),
                    image: image, labels: labels, moments: ImageMoments(image),
                    presentLabels: Set(labels.lazy.filter { $0 != 0 }.map { Int32($0) })))
            }
        }
        self.candidates = candidates
        self.span = span
    }

    /// Whether some slice shows each of `labels` on the canvas.
    func shows(every labels: [Int32]) -> Bool {
        var missing = Set(labels)
        for candidate in candidates where !missing.isEmpty { missing.subtract(candidate.presentLabels) }
        return missing.isEmpty
    }
}
