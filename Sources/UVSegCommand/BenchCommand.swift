import ArgumentParser
import Foundation
import NetworkBenchmark
import Workflow

/// `uvseg bench`: time per query slice, FLOPs, throughput and peak memory of predictions.
///
/// Each configuration runs in a child process (this command re-executed with `--single`), so
/// that the peak resident memory reported is that configuration's alone.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the network on random inputs: seconds per query slice, GFLOP/s, peak memory.",
        discussion: """
            Uses random weights of the published widths (4 encoder blocks of 64, 64) unless --weights \
            is given. For each support size S and query count Q, one call segments Q query slices with \
            one support set of S pairs; the time per query is the median call time over the repeats \
            divided by Q. gflop_per_query counts the convolutions' arithmetic actually performed \
            (multiply-adds as 2; Winograd GEMMs and transforms); direct_gflop_per_query counts the \
            same convolutions done directly, the work of a plain implementation. Build with \
            -c release for meaningful numbers.
            """)

    @Option(help: "Checkpoint to time (.pt or .safetensors); default: random weights of the published widths.")
    var weights: String?

    @Option(help: "Support sizes, comma-separated.")
    var supports = "1,8,16,64"

    @Option(help: "Query slices per call, comma-separated.")
    var queries = "1,24"

    @Option(help: "Timed calls per configuration (the median is reported).")
    var repeats = 3

    @Option(help: "Threads of each call (default: every core).")
    var threads = PredictionTiming.defaultThreadCount

    @Option(help: "Height and width of the slices.")
    var size = 128

    @Flag(help: """
        Also measure the machine's sgemm peak (2048^3, single-threaded sgemm per thread): once at the \
        start, and before and after each configuration, whose GFLOP/s is then also given as a \
        fraction of the mean of those two peaks (a shared machine's speed drifts).
        """)
    var gemmPeak = false

    @Option(help: .hidden)
    var single: String?

    func run() throws {
        guard repeats >= 1 else { throw UVSegError.invalidArgument("--repeats must be at least 1, got \(repeats)") }
        if let single {
            let values = try SegmentationArguments.numbers(single, "--single")
            guard values.count == 2 else { throw UVSegError.invalidArgument("--single takes S,Q") }
            try runOne(supportCount: values[0], queryCount: values[1])
            return
        }
        print("threads=\(threads) cores=\(PredictionTiming.defaultThreadCount) size=\(size)x\(size) repeats=\(repeats)")
        if gemmPeak {
            let gflops = try GEMMPeak.measure(threads: threads, repeats: repeats)
            print("sgemm_peak_gflops=\(Self.format(gflops, 1)) (2048^3, \(threads) threads)")
        }
        for supportCount in try SegmentationArguments.numbers(supports, "--supports") {
            for queryCount in try SegmentationArguments.numbers(queries, "--queries") {
                try runChild(supportCount: supportCount, queryCount: queryCount)
            }
        }
    }

    /// Runs one configuration in a child process and prints its result line, with the sgemm peak
    /// measured around it (in this process, so that the child's peak memory is its own) if asked.
    private func runChild(supportCount: Int, queryCount: Int) throws {
        var arguments = [
            "bench", "--single", "\(supportCount),\(queryCount)", "--repeats", "\(repeats)",
            "--threads", "\(threads)", "--size", "\(size)",
        ]
        if let weights { arguments += ["--weights", weights] }
        let peakBefore = gemmPeak ? try GEMMPeak.measure(threads: threads, repeats: repeats) : nil
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = arguments
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        let line = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        child.waitUntilExit()
        guard child.terminationStatus == 0 else {
            throw UVSegError.io("the benchmark of S = \(supportCount), \(queryCount) queries failed (status \(child.terminationStatus))")
        }
        guard let peakBefore else {
            print(line)
            return
        }
        let peak = (peakBefore + (try GEMMPeak.measure(threads: threads, repeats: repeats))) / 2
        let gflops = line.split(separator: " ").first { $0.hasPrefix("gflops=") }.flatMap { Double($0.dropFirst(7)) } ?? 0
        print(line + " sgemm_peak_gflops=\(Self.format(peak, 1)) peak_fraction=\(Self.format(gflops / peak, 3))")
    }

    /// Times one configuration in this process and prints its result line.
    private func runOne(supportCount: Int, queryCount: Int) throws {
        let timing = try PredictionTiming.measure(
            weights: weights, supportCount: supportCount, queryCount: queryCount, size: size, threads: threads,
            repeats: repeats)
        let perQuery = timing.secondsPerQuery
        print(
            "S=\(supportCount) queries=\(queryCount) threads=\(threads)"
                + " seconds_per_query=\(Self.format(perQuery, 4))"
                + " gflop_per_query=\(Self.format(timing.operationsPerQuery / 1e9, 2))"
                + " gflops=\(Self.format(timing.operationsPerQuery / perQuery / 1e9, 1))"
                + " direct_gflop_per_query=\(Self.format(timing.directOperationsPerQuery / 1e9, 2))"
                + " direct_gflops=\(Self.format(timing.directOperationsPerQuery / perQuery / 1e9, 1))"
                + " peak_rss_mib=\(Self.format(Self.peakResidentMebibytes(), 0))")
    }

    /// The process's peak resident memory so far (getrusage: kibibytes on Linux).
    private static func peakResidentMebibytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
