import Diagnostics
import NIfTI
import Registration

/// The support volumes brought onto the query's grid through their alignments, one at a time: as
/// labelled volumes for the network, and added into the atlas's fusion, so that the atlas holds
/// one label's share at a time however many support volumes and labels there are.
struct AlignedSupport {
    /// The support volumes on the query's grid (images interpolated linearly, labels per label
    /// then arg-max); empty when the network does not run.
    let volumes: [LabelledVolume]
    /// The atlas's fused probabilities, one array per label; empty when the atlas does not run.
    private(set) var atlasProbabilities: [[Float]]
    /// Per support volume, how well it lined up; empty without alignment.
    let reports: [AlignmentReport]

    /// The atlas's probabilities, handed over with their only reference (they are left empty
    /// here), so that the caller can change them in place.
    mutating func takeAtlasProbabilities() -> [[Float]] {
        defer { atlasProbabilities = [] }
        return atlasProbabilities
    }

    /// The bytes aligning needs beyond registration's own: what lives through the call (the
    /// network's volumes on the query's grid; the atlas's sums) and, one support volume at a time,
    /// an aligned image, a label's share and local correlation's images.
    static func bytes(query: Volume, supportCount: Int, labelCount: Int, options: SegmentationOptions) -> Int {
        let perVolume = (options.method != .atlas ? 2 * supportCount : 0)
            + (options.method != .network ? labelCount + 1 + AtlasFusion.transientVolumes : 1)
        let (count, overflow) = query.size.voxelCount.multipliedReportingOverflow(by: perVolume)
        let (bytes, overflowBytes) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        return overflow || overflowBytes ? Int.max : bytes
    }

    /// Aligns each support volume to `query` (or places it by world coordinates with alignment
    /// `.none`) and carries what `options.method` needs onto the query's grid. NaN and infinite
    /// voxels count as 0, as they do for the network. Throws `.invalidArgument` naming a support
    /// volume that cannot be aligned and why, `.outOfMemory` past `memoryLimit`, `.cancelled`
    /// from `progress`.
    static func align(
        _ support: [LabelledVolume], to query: Volume, labels: [Int32], options: SegmentationOptions,
        memoryLimit: Int, progress: ProgressReporter
    ) throws(UVSegError) -> AlignedSupport {
        let fixed = finite(query)
        let forNetwork = options.method != .atlas
        var atlas = options.method == .network ? nil : AtlasFusion(
            query: fixed, labels: labels, fusion: options.fusion, threads: options.threads, memoryLimit: memoryLimit)
        var volumes = [LabelledVolume](), reports = [AlignmentReport]()
        for (index, member) in support.enumerated() {
            let memberProgress = progress.part(index, of: support.count)
            try memberProgress.report(0, .aligning)
            let moving = finite(member.image)
            let result: RegistrationResult
            if let registration = options.alignment.registrationOptions(threads: options.threads, memoryLimit: memoryLimit) {
                do throws(UVSegError) {
                    result = try Registration.align(
                        moving: moving, to: fixed, options: registration, roles: ("support", "query")
                    ) { fraction throws(UVSegError) in try memberProgress.report(fraction * 0.9, .aligning) }
                } catch {
                    guard error.kind == .invalidArgument || error.kind == .badFormat else { throw error }
                    throw .invalidArgument("support volume \(index + 1) cannot be aligned to the query: \(error.message)")
                }
                reports.append(AlignmentReport(
                    support: index, affineSimilarity: result.affineSimilarity, similarity: result.similarity))
            } else {
                result = RegistrationResult(transform: .identity, affineSimilarity: 0, similarity: 0)
            }
            let image = forNetwork || options.fusion == .local
                ? try Resampler.image(moving, onto: query.size, geometry: query.geometry, through: result, memoryLimit: memoryLimit)
                : nil
            if forNetwork, let image {
                let labelVolume = try Resampler.labels(
                    member.labels.volume, onto: query.size, geometry: query.geometry, through: result,
                    interpolation: .perLabelLinear, memoryLimit: memoryLimit)
                volumes.append(try LabelledVolume(image: image, labels: LabelMap(labelVolume)))
            }
            try atlas?.add(member.labels.volume, through: result, image: image)
            try memberProgress.report(1, .aligning)
        }
        return AlignedSupport(volumes: volumes, atlasProbabilities: atlas?.probabilities() ?? [], reports: reports)
    }

    /// `volume` with NaN and infinite voxels set to 0 (unchanged, uncopied, when it has none).
    private static func finite(_ volume: Volume) -> Volume {
        guard !volume.voxels.allSatisfy(\.isFinite) else { return volume }
        var copy = volume
        copy.voxels = volume.voxels.map { $0.isFinite ? $0 : 0 }
        return copy
    }
}
