import Foundation
import Diagnostics
import NIfTI
import Testing
@testable import Workflow

@Suite struct SupportSelectorTests {
    /// Labelled volumes of 4 x 4 voxels per axial slice whose slices in `foreground` hold label 1;
    /// each slice's image is `pixels(volume, slice)` (by default one value that names its volume
    /// and slice).
    static func pool(
        _ volumes: [(slices: Int, foreground: ClosedRange<Int>)],
        pixels: (Int, Int) -> [Float] = { volume, slice in Array(repeating: Float(volume * 100 + slice) / 1000, count: 16) }
    ) throws -> SupportPool {
        let cases = volumes.enumerated().map { volume, spec in
            var image = [Float]()
            var labels = [Float]()
            for slice in 0..<spec.slices {
                image += pixels(volume, slice)
                labels += Array(repeating: spec.foreground.contains(slice) ? 1 : 0, count: 16)
            }
            return PreparedCase(
                size: GridSize(i: 4, j: 4, k: spec.slices), spacing: [1, 1, 1], image: image, labels: labels)
        }
        return try SupportPool(volumes: cases, plane: .axial, side: 4, span: 0, progress: .silent)
    }

    static func selector(
        _ pool: SupportPool, _ strategy: SupportStrategy, size: Int, share: Double = 0.25, seed: UInt64 = 1
    ) throws -> SupportSelector {
        try SupportSelector(
            pool: pool, labels: [1], plane: .axial, strategy: strategy, size: size, maxEmptyShare: share, seed: seed)
    }

    /// The (volume, slice) of each selected pool index.
    static func slices(_ selection: [Int], in pool: SupportPool) -> [[Int]] {
        selection.map { [pool.candidates[$0].volume, pool.candidates[$0].slice] }
    }

    static func query(_ selector: SupportSelector, position: Double, image: [Float] = Array(repeating: 0, count: 16))
        -> SupportSelector.Query
    {
        selector.query(slice: 0, relativePosition: position, image: image)
    }

    @Test func positionTakesTheNearestSlicesOfEachVolumeInTurn() throws {
        let pool = try Self.pool([(11, 3...7), (6, 1...4)])
        let selector = try Self.selector(pool, .position, size: 4)
        let selection = selector.select(label: 1, member: 0, for: Self.query(selector, position: 0.62))
        // Foreground nearest 0.62: volume 0 slice 6 (0.6), volume 1 slice 3 (0.6), volume 0 slice 7;
        // then one empty slice (25 % of 4): volume 0 slice 8 (0.8).
        #expect(Self.slices(selection, in: pool) == [[0, 6], [1, 3], [0, 7], [0, 8]])
    }

    @Test func positionFollowsTheQuery() throws {
        let pool = try Self.pool([(11, 0...10)])
        let selector = try Self.selector(pool, .position, size: 1, share: 0)
        for slice in 0...10 {
            let selection = selector.select(label: 1, member: 0, for: Self.query(selector, position: Double(slice) / 10))
            #expect(Self.slices(selection, in: pool) == [[0, slice]])
        }
    }

    @Test(arguments: [(8, 0.5, 4, 4), (8, 0.25, 6, 2), (8, 0.5, 2, 2), (64, 0.25, 9, 3)])
    func emptySlicesStayWithinTheirShare(size: Int, share: Double, foreground: Int, expectedEmpty: Int) throws {
        let pool = try Self.pool([(40, 10...(9 + foreground))])
        for strategy in SupportStrategy.allCases {
            let selector = try Self.selector(pool, strategy, size: size, share: share)
            let selection = selector.select(label: 1, member: 0, for: Self.query(selector, position: 0.3))
            let empty = selection.filter { !pool.candidates[$0].presentLabels.contains(1) }.count
            #expect(empty == expectedEmpty, "\(strategy)")
            #expect(Double(empty) <= share * Double(selection.count))
            #expect(selection.count == min(size, foreground + expectedEmpty))
            #expect(Set(selection).count == selection.count)
        }
    }

    /// Near a share of 1 the empty bound, foreground x share / (1 - share), exceeds any Int.
    @Test(arguments: [(2048, 1100, 0, 1100, 0), (2048, 1024, 5000, 1, 2047), (1 << 40, 1 << 20, 1 << 20, 1 << 20, 1 << 20)])
    func countsStayBoundedAsTheEmptyShareNearsOne(size: Int, holding: Int, lacking: Int, foreground: Int, empty: Int) {
        let counts = SupportSelector.counts(size: size, maxEmptyShare: 0.9999999999999999, holding: holding, lacking: lacking)
        #expect(counts.foreground == foreground && counts.empty == empty)
    }

    @Test func randomIsSeededAndSharedByAllQuerySlices() throws {
        let pool = try Self.pool([(30, 5...20), (25, 2...12)])
        let first = try Self.selector(pool, .random, size: 8, seed: 7)
        let again = try Self.selector(pool, .random, size: 8, seed: 7)
        let other = try Self.selector(pool, .random, size: 8, seed: 8)
        let a = first.select(label: 1, member: 0, for: Self.query(first, position: 0.1))
        #expect(a == again.select(label: 1, member: 0, for: Self.query(again, position: 0.9)))
        #expect(a != other.select(label: 1, member: 0, for: Self.query(other, position: 0.1)))
        #expect(a != first.select(label: 1, member: 1, for: Self.query(first, position: 0.1)))
        #expect(a.filter { pool.candidates[$0].presentLabels.contains(1) }.count == 6)
    }

    /// Slices with a pattern of their own: waves of a frequency that names volume and slice.
    static func waves(volume: Int, slice: Int) -> [Float] {
        (0..<16).map { pixel in 0.5 + 0.5 * sin(Float(pixel) * Float(1 + slice + 11 * volume) * 0.37) }
    }

    @Test func similarRanksTheBestCorrelatedSliceFirstWhateverItsContrast() throws {
        let pool = try Self.pool([(11, 3...7), (6, 1...4)], pixels: Self.waves)
        let selector = try Self.selector(pool, .similar, size: 4)
        let target = try #require(pool.candidates.firstIndex { $0.volume == 1 && $0.slice == 2 })
        // The target's anatomy in another contrast: darker and flatter, as another scanner shows it.
        let query = pool.candidates[target].image.map { 0.1 + 0.3 * $0 }
        let squaredDistances = pool.candidates.map { candidate in
            zip(candidate.image, query).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        // By intensity alone another slice would look closer; by correlation the target wins.
        #expect(squaredDistances.indices.contains { squaredDistances[$0] < squaredDistances[target] })
        let selection = selector.select(label: 1, member: 0, for: Self.query(selector, position: 0, image: query))
        #expect(selection.first == target)
    }

    @Test func aConstantSliceIsRankedWithoutDividingByZero() throws {
        let pool = try Self.pool([(6, 0...5)], pixels: { _, slice in
            slice == 0 ? Array(repeating: 0.5, count: 16) : Self.waves(volume: 0, slice: slice)
        })
        let selector = try Self.selector(pool, .similar, size: 6, share: 0)
        let query = Self.query(selector, position: 0, image: Self.waves(volume: 0, slice: 3))
        #expect(query.differences?.allSatisfy(\.isFinite) == true)
        #expect(query.differences?[0] == 1)
        let flat = Self.query(selector, position: 0, image: Array(repeating: 0.2, count: 16))
        #expect(flat.differences == Array(repeating: 1, count: 6))
        #expect(selector.select(label: 1, member: 0, for: query).first == 3)
    }

    @Test func laterEnsembleMembersDrawFromTheBestTwiceAsMany() throws {
        let pool = try Self.pool([(40, 0...39)])
        let selector = try Self.selector(pool, .position, size: 5, share: 0)
        let query = Self.query(selector, position: 0.5)
        let best = Set(selector.select(label: 1, member: 0, for: query))
        let nearestTen = Set(pool.candidates.indices.sorted {
            (abs(pool.candidates[$0].relativePosition - 0.5), $0) < (abs(pool.candidates[$1].relativePosition - 0.5), $1)
        }.prefix(10))
        let members = (1...4).map { selector.select(label: 1, member: $0, for: query) }
        for member in members {
            #expect(member.count == 5)
            #expect(Set(member).isSubset(of: nearestTen))
        }
        #expect(members.contains { Set($0) != best })
        #expect(members[0] == selector.select(label: 1, member: 1, for: query))
    }

    @Test func aLabelWithoutForegroundIsAnError() throws {
        let pool = try Self.pool([(5, 1...2)])
        #expect(throws: UVSegError.self) {
            try SupportSelector(
                pool: pool, labels: [1, 2], plane: .axial, strategy: .position, size: 4, maxEmptyShare: 0.25, seed: 0)
        }
    }

    @Test func consecutiveSlicesWithOneSupportSetShareABatch() {
        let limit = PlaneSegmentation.batchLimit
        let selections = [[1], [1], [2], [2], [2]] + Array(repeating: [3], count: limit + 2)
        #expect(PlaneSegmentation.batches(of: selections) == [0..<2, 2..<5, 5..<(5 + limit), (5 + limit)..<(7 + limit)])
    }
}
