import Diagnostics

extension LabelMap {
    /// The map with the holes of each label filled with that label.
    ///
    /// A hole of a label is a connected region of background (0) that only that label encloses:
    /// it touches neither the grid's border nor any other label. Background regions are connected
    /// along faces (6 neighbours), the counterpart of objects connected along faces, edges and
    /// corners, so a hole sealed by a diagonal wall of the label counts as enclosed. An axis only
    /// one voxel thick has no border, so a single-slice map gets its 2-D holes filled. Background
    /// between two labels (say, a gap between two zones of one organ) is left as it is. Throws
    /// `.unsupported` for grids of 2^31 voxels or more.
    public func fillingHoles() throws(UVSegError) -> LabelMap {
        let regions = try ConnectedComponents(of: self, connectivity: .faces) { $0 == 0 }
        let enclosingLabels = enclosingLabels(of: regions)
        var result = self
        for (index, region) in regions.componentOfVoxel.enumerated() where region != ConnectedComponents.unselected {
            if case .one(let label) = enclosingLabels[Int(region)] { result.labels[index] = label }
        }
        return result
    }

    /// What surrounds a background region.
    private enum Enclosure {
        /// No labelled voxel touches it (yet).
        case nothing
        /// Voxels of one label touch it, and it does not reach the border.
        case one(Int32)
        /// It reaches the grid's border, or voxels of several labels touch it.
        case open
    }

    /// For each background region, which labels touch it along faces and whether it reaches the
    /// grid's border.
    private func enclosingLabels(of regions: ConnectedComponents) -> [Enclosure] {
        var enclosures = [Enclosure](repeating: .nothing, count: regions.sizes.count)
        let neighbourhood = Neighbourhood(size, .faces)
        for (index, region) in regions.componentOfVoxel.enumerated() where region != ConnectedComponents.unselected {
            let r = Int(region)
            if case .open = enclosures[r] { continue }
            if neighbourhood.isOnBorder(neighbourhood.voxel(at: index)) {
                enclosures[r] = .open
                continue
            }
            neighbourhood.forEachNeighbour(of: index) { neighbour in
                let label = labels[neighbour]
                switch enclosures[r] {
                case .one(let enclosing) where enclosing != label && label != 0: enclosures[r] = .open
                case .nothing where label != 0: enclosures[r] = .one(label)
                default: break
                }
            }
        }
        return enclosures
    }
}
