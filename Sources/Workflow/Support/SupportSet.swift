/// The support slices the network is given for one label, stacked on the canvas: images and
/// binary labels (1 where the slice holds the label), `count` slices of `side * side` pixels each.
struct SupportSet: Equatable {
    let images: [Float]
    let labels: [Float]
    let count: Int

    /// The support set of pool slices `selection` for `label`.
    init(_ selection: [Int], from pool: SupportPool, label: Int32) {
        let target = Float(label)
        images = selection.flatMap { pool.candidates[$0].image }
        labels = selection.flatMap { pool.candidates[$0].labels.map { $0 == target ? 1 : 0 } }
        count = selection.count
    }

    private init(images: [Float], labels: [Float], count: Int) {
        self.images = images
        self.labels = labels
        self.count = count
    }

    /// The same set with every slice mirrored left to right.
    func mirrored(side: Int) -> SupportSet {
        SupportSet(
            images: SliceImage.mirroringRows(of: images, width: side),
            labels: SliceImage.mirroringRows(of: labels, width: side),
            count: count)
    }
}
