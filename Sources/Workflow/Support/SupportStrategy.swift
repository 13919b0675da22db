/// How support slices are chosen from the labelled volumes for each query slice.
public enum SupportStrategy: String, Sendable, CaseIterable, Codable {
    /// Slices at the query slice's relative position along the plane's normal (0 at the first
    /// slice, 1 at the last) in each labelled volume, nearest first: anatomy at the same height
    /// looks alike across patients scanned over a similar field of view.
    case position
    /// Slices drawn at random from a generator seeded by the options' seed (and the ensemble
    /// member), the same set for every query slice of a volume.
    case random
    /// Slices whose prepared image correlates best with the query slice's on the network's
    /// input grid, most similar first: the anatomy that looks most alike wherever it lies in the
    /// support volumes, whatever the contrast of either scan.
    case similar
}
