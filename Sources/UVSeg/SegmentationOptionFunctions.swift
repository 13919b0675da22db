import Workflow

// The volume segmentation setters of the "Options" section of include/uvseg.h.

/// Runs a setter: checks the handle, applies `change` to a copy of the settings and keeps the
/// copy only if it is valid, so a refused value leaves the options as they were.
private func setOption(
    _ options: OpaquePointer?, _ change: (inout SegmentationOptions) throws(UVSegError) -> Void
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let object = Handle.object(try required(options, "options"), as: Options.self)
        var settings = object.segmentation
        try change(&settings)
        try settings.validate()
        object.segmentation = settings
    }
}

/// A C boolean (0 or 1).
private func flag(_ value: Int32, _ name: String) throws(UVSegError) -> Bool {
    guard value == 0 || value == 1 else { throw .invalidArgument("\(name) must be 0 or 1, got \(value)") }
    return value == 1
}

@_cdecl("uvs_options_set_plane")
public func uvs_options_set_plane(_ options: OpaquePointer?, _ plane: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in
        switch plane {
        case 0: settings.planes = [.axial]
        case 1: settings.planes = [.coronal]
        case 2: settings.planes = [.sagittal]
        case 3: settings.planes = AnatomicalPlane.allCases
        case 4: settings.planes = nil
        default: throw .invalidArgument("plane must be a uvs_plane value (0 to 4), got \(plane)")
        }
    }
}

@_cdecl("uvs_options_set_strategy")
public func uvs_options_set_strategy(_ options: OpaquePointer?, _ strategy: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in
        settings.strategy = try choice(strategy, of: [.position, .random, .similar], "strategy", "uvs_strategy")
    }
}

@_cdecl("uvs_options_set_alignment")
public func uvs_options_set_alignment(_ options: OpaquePointer?, _ alignment: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in
        settings.alignment = try choice(alignment, of: SupportAlignment.allCases, "alignment", "uvs_alignment")
    }
}

@_cdecl("uvs_options_set_method")
public func uvs_options_set_method(_ options: OpaquePointer?, _ method: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in
        settings.method = try choice(method, of: SegmentationMethod.allCases, "method", "uvs_method")
    }
}

@_cdecl("uvs_options_set_fusion")
public func uvs_options_set_fusion(_ options: OpaquePointer?, _ fusion: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in
        settings.fusion = try choice(fusion, of: LabelFusion.allCases, "fusion", "uvs_fusion")
    }
}

/// The case a C enumeration value stands for: its position in `cases`, the header's order.
private func choice<Choice>(
    _ value: Int32, of cases: [Choice], _ name: String, _ type: String
) throws(UVSegError) -> Choice {
    guard cases.indices.contains(Int(value)) else {
        throw .invalidArgument("\(name) must be a \(type) value (0 to \(cases.count - 1)), got \(value)")
    }
    return cases[Int(value)]
}

@_cdecl("uvs_options_set_support_size")
public func uvs_options_set_support_size(_ options: OpaquePointer?, _ size: Int32) -> Int32 {
    setOption(options) { settings in settings.supportSize = Int(size) }
}

@_cdecl("uvs_options_set_empty_share")
public func uvs_options_set_empty_share(_ options: OpaquePointer?, _ share: Double) -> Int32 {
    setOption(options) { settings in settings.maxEmptyShare = share }
}

@_cdecl("uvs_options_set_ensemble")
public func uvs_options_set_ensemble(_ options: OpaquePointer?, _ members: Int32) -> Int32 {
    setOption(options) { settings in settings.ensembleSize = Int(members) }
}

@_cdecl("uvs_options_set_flip_augmentation")
public func uvs_options_set_flip_augmentation(_ options: OpaquePointer?, _ enabled: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in settings.flipAugmentation = try flag(enabled, "enabled") }
}

@_cdecl("uvs_options_set_labels")
public func uvs_options_set_labels(_ options: OpaquePointer?, _ labels: UnsafePointer<Int32>?, _ count: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in
        guard count >= 0 else { throw .invalidArgument("n_labels must be at least 0, got \(count)") }
        settings.labels = count == 0 ? nil : Array(UnsafeBufferPointer(start: try required(labels, "labels"), count: Int(count)))
    }
}

@_cdecl("uvs_options_set_largest_component")
public func uvs_options_set_largest_component(_ options: OpaquePointer?, _ enabled: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in settings.keepLargestComponent = try flag(enabled, "enabled") }
}

@_cdecl("uvs_options_set_fill_holes")
public func uvs_options_set_fill_holes(_ options: OpaquePointer?, _ enabled: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in settings.fillHoles = try flag(enabled, "enabled") }
}

@_cdecl("uvs_options_set_seed")
public func uvs_options_set_seed(_ options: OpaquePointer?, _ seed: UInt64) -> Int32 {
    setOption(options) { settings in settings.seed = seed }
}

@_cdecl("uvs_options_set_bias_correction")
public func uvs_options_set_bias_correction(_ options: OpaquePointer?, _ enabled: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in settings.biasCorrection = try flag(enabled, "enabled") }
}

@_cdecl("uvs_options_set_intensity_refinement")
public func uvs_options_set_intensity_refinement(_ options: OpaquePointer?, _ enabled: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in settings.intensityRefinement = try flag(enabled, "enabled") }
}

@_cdecl("uvs_options_set_percentiles")
public func uvs_options_set_percentiles(_ options: OpaquePointer?, _ lower: Double, _ upper: Double) -> Int32 {
    setOption(options) { settings in settings.intensity = .percentiles(lower: lower, upper: upper) }
}

@_cdecl("uvs_options_set_ct_window")
public func uvs_options_set_ct_window(_ options: OpaquePointer?, _ level: Double, _ width: Double) -> Int32 {
    setOption(options) { settings in settings.intensity = .window(level: level, width: width) }
}

@_cdecl("uvs_options_set_input_size")
public func uvs_options_set_input_size(_ options: OpaquePointer?, _ size: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in
        guard (0...Int32(VolumeSegmenter.largestInputSize)).contains(size) else {
            throw .invalidArgument("input_size must be from 0 to \(VolumeSegmenter.largestInputSize), got \(size)")
        }
        settings.inputSize = size == 0 ? nil : Int(size)
    }
}

@_cdecl("uvs_options_set_threads")
public func uvs_options_set_threads(_ options: OpaquePointer?, _ threads: Int32) -> Int32 {
    setOption(options) { (settings) throws(UVSegError) in
        guard (1...Int32(UniverSegModel.maximumThreadCount)).contains(threads) else {
            throw .invalidArgument("threads must be from 1 to \(UniverSegModel.maximumThreadCount), got \(threads)")
        }
        settings.threads = Int(threads)
    }
}

@_cdecl("uvs_options_set_jobs")
public func uvs_options_set_jobs(_ options: OpaquePointer?, _ jobs: Int32) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let object = Handle.object(try required(options, "options"), as: Options.self)
        guard (1...Int32(UniverSegModel.maximumThreadCount)).contains(jobs) else {
            throw .invalidArgument("jobs must be from 1 to \(UniverSegModel.maximumThreadCount), got \(jobs)")
        }
        object.jobs = Int(jobs)
    }
}
