// swift-tools-version:6.0
import Foundation
import PackageDescription

// The default model, built into the library (Sources/CDefaultModel/DefaultModel.c).
let defaultModelFile = "\(Context.packageDirectory)/models/uvseg-default.safetensors"

// Only the uvs_ functions of the C contract leave libuvseg.so; Swift symbols stay internal to it.
let exportList = "\(Context.packageDirectory)/Sources/UVSeg/exports.map"

// Programs record this name: libuvseg.so.MAJOR, MAJOR being UVS_VERSION_MAJOR of include/uvseg.h,
// the ABI's version and the one place the version is written.
let header = try! String(contentsOfFile: "\(Context.packageDirectory)/include/uvseg.h", encoding: .utf8)
let majorDefinition = "#define UVS_VERSION_MAJOR "
let major = header.split(separator: "\n").first { $0.hasPrefix(majorDefinition) }!.dropFirst(majorDefinition.count)
let soname = "libuvseg.so.\(major)"

let package = Package(
    name: "uvseg",
    products: [
        // libuvseg.so: the embeddable C library described by include/uvseg.h.
        .library(name: "uvseg", type: .dynamic, targets: ["UVSeg"]),
        // The `uvseg` command. SwiftPM keeps only one of two products with the same name, so the
        // executable product is named uvseg-cli and its binary is installed as `uvseg`.
        .executable(name: "uvseg-cli", targets: ["UVSegCommand"]),
        // Times registration on a brain-sized synthetic pair (BENCHMARKS.md, "Registration").
        .executable(name: "uvseg-registration-bench", targets: ["RegistrationBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "Diagnostics"),
        .target(
            name: "CNIfTI",
            linkerSettings: [.linkedLibrary("nifti2"), .linkedLibrary("znz"), .linkedLibrary("z")]),
        .target(name: "COpenBLAS", linkerSettings: [.linkedLibrary("openblas")]),
        .target(name: "CKernels"),
        // The UVS_VERSION_* macros of include/uvseg.h, for Workflow's UVSegVersion.
        .target(name: "CVersion"),
        .target(
            name: "CDefaultModel",
            cSettings: [.define("UVSEG_DEFAULT_MODEL_FILE", to: "\"\(defaultModelFile)\"")]),
        .target(name: "NIfTI", dependencies: ["CNIfTI", "Diagnostics"]),
        .target(name: "Network", dependencies: ["COpenBLAS", "CKernels", "Diagnostics"]),
        // The network's benchmark (`uvseg bench`): sgemm peak, operation count, random weights.
        .target(name: "NetworkBenchmark", dependencies: ["Network", "COpenBLAS", "Diagnostics"]),
        .target(
            name: "Workflow",
            dependencies: ["NIfTI", "Network", "Registration", "Diagnostics", "CDefaultModel", "CVersion"]),
        .target(name: "Registration", dependencies: ["NIfTI", "Diagnostics"]),
        // Synthetic head volumes with known transforms, for the registration tests and benchmark.
        .target(name: "RegistrationPhantom", dependencies: ["Registration", "NIfTI"]),
        .executableTarget(name: "RegistrationBench", dependencies: ["Registration", "RegistrationPhantom", "NIfTI"]),
        .target(
            name: "UVSeg",
            // The C layer and the command reach the library through Workflow alone.
            dependencies: ["Workflow"],
            exclude: ["exports.map"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(exportList)", "-Xlinker", "-soname=\(soname)"])]),
        .executableTarget(
            name: "UVSegCommand",
            dependencies: [
                "Workflow", "NetworkBenchmark",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Fixtures are read through #filePath, not bundled as resources.
        .testTarget(name: "NetworkTests", dependencies: ["Network", "Diagnostics"], exclude: ["Fixtures"]),
        .testTarget(name: "NIfTITests", dependencies: ["NIfTI"]),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow", "RegistrationPhantom"], exclude: ["Fixtures"]),
        .testTarget(name: "RegistrationTests", dependencies: ["Registration", "RegistrationPhantom", "NIfTI"]),
    ]
)
