import Diagnostics
import NIfTI

/// The connected components of a label map: maximal sets of touching voxels that hold the same
/// label, among the labels a caller selects.
struct ConnectedComponents {
    /// Marks voxels in `componentOfVoxel` that belong to no component (their label was not selected).
    static let unselected: Int32 = -1

    /// The component of each voxel (an index into `sizes` and `labels`), or `unselected`.
    let componentOfVoxel: [Int32]
    /// The number of voxels of each component, in the order the components were first met in
    /// storage order.
    let sizes: [Int]
    /// The label of each component.
    let labels: [Int32]

    /// Finds the components of the voxels whose label `isSelected` accepts, voxels touching as
    /// `connectivity` says. Throws `.unsupported` for grids of 2^31 voxels or more.
    init(of map: LabelMap, connectivity: Connectivity, selecting isSelected: (Int32) -> Bool)
        throws(UVSegError)
    {
        guard map.labels.count < Int(Int32.max) else {
            throw .unsupported("connected components need a grid of fewer than 2^31 voxels")
        }
        let neighbourhood = Neighbourhood(map.size, connectivity)
        var componentOfVoxel = [Int32](repeating: Self.unselected, count: map.labels.count)
        var sizes = [Int]()
        var labels = [Int32]()
        var pending = [Int]()
        for seed in map.labels.indices where componentOfVoxel[seed] == Self.unselected {
            let label = map.labels[seed]
            guard isSelected(label) else { continue }
            let component = Int32(sizes.count)
            var size = 0
            componentOfVoxel[seed] = component
            pending.append(seed)
            while let index = pending.popLast() {
                size += 1
                neighbourhood.forEachNeighbour(of: index) { neighbour in
                    guard componentOfVoxel[neighbour] == Self.unselected, map.labels[neighbour] == label else { return }
                    componentOfVoxel[neighbour] = component
                    pending.append(neighbour)
                }
            }
            sizes.append(size)
            labels.append(label)
        }
        self.componentOfVoxel = componentOfVoxel
        self.sizes = sizes
        self.labels = labels
    }
}
