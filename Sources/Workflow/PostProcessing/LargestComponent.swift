import Diagnostics

extension LabelMap {
    /// The map with, for each label, only its largest connected component kept; the voxels of its
    /// other components become background (0).
    ///
    /// Voxels touch along faces, edges and corners (`.full`, 26 neighbours) unless `connectivity`
    /// says otherwise. Of equally large components, the one whose first voxel comes first in
    /// storage order (i fastest, then j, then k) is kept. Throws `.unsupported` for grids of 2^31
    /// voxels or more.
    public func keepingLargestComponents(connectivity: Connectivity = .full) throws(UVSegError) -> LabelMap {
        let components = try ConnectedComponents(of: self, connectivity: connectivity) { $0 != 0 }
        var largest: [Int32: Int] = [:]  // label -> its largest component
        for (component, label) in components.labels.enumerated() {
            if let best = largest[label], components.sizes[best] >= components.sizes[component] { continue }
            largest[label] = component
        }
        var result = self
        for (index, component) in components.componentOfVoxel.enumerated()
        where component != ConnectedComponents.unselected && largest[labels[index]] != Int(component) {
            result.labels[index] = 0
        }
        return result
    }
}
