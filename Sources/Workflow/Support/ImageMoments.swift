/// The mean of an image and the norm of its deviations from that mean: what the Pearson
/// correlation of two images needs besides their pixels. Correlation rather than a squared
/// difference ranks slices by the shape of their anatomy, not by the brightness and contrast
/// in which scanners and sequences differ.
struct ImageMoments {
    let mean: Float
    let norm: Float

    init(_ image: [Float]) {
        let mean = image.reduce(0, +) / Float(max(image.count, 1))
        self.mean = mean
        // Tested exactly: the rounded mean of a constant image differs from its pixels, which
        // would give it a spurious shape.
        let constant = image.allSatisfy { $0 == image.first }
        norm = constant ? 0 : image.reduce(Float(0)) { $0 + ($1 - mean) * ($1 - mean) }.squareRoot()
    }

    /// The Pearson correlation of `image` (whose moments these are) and `other` of the same size,
    /// in [-1, 1]; 0 when either image is constant (it has no shape to compare).
    func correlation(_ image: [Float], with other: [Float], moments otherMoments: ImageMoments) -> Float {
        guard norm > 0, otherMoments.norm > 0 else { return 0 }
        var sum: Float = 0
        for (a, b) in zip(image, other) { sum += (a - mean) * (b - otherMoments.mean) }
        return sum / (norm * otherMoments.norm)
    }
}
