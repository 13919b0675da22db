import Workflow

// Local validation, in the "Volume segmentation" section of include/uvseg.h.

@_cdecl("uvs_validate")
public func uvs_validate(
    _ model: OpaquePointer?, _ images: UnsafePointer<OpaquePointer?>?, _ labels: UnsafePointer<OpaquePointer?>?,
    _ nCases: Int32, _ supportSizes: UnsafePointer<Int32>?, _ nSizes: Int32, _ options: OpaquePointer?,
    _ outValidation: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let loaded = Handle.object(try required(model, "model"), as: ModelObject.self).model
        let out = try required(outValidation, "out_validation")
        let caseCount = try count(nCases, "n_cases", minimum: 2)
        let sizes = try required(supportSizes, "support_sizes")
        let sizeCount = try count(nSizes, "n_sizes")
        let sizeList = try (0..<sizeCount).map { index throws(UVSegError) in
            guard sizes[index] >= 1 else {
                throw .invalidArgument("support_sizes[\(index)] must be at least 1, got \(sizes[index])")
            }
            return Int(sizes[index])
        }
        let cases = try labelledVolumes(images, labels, count: caseCount, names: ("images", "labels"))
        let settings = Options.settings(options)
        let jobs = max(1, min(settings.jobs, caseCount * sizeCount))
        var segmentation = settings.segmentation
        let model = try loaded.shared(among: jobs, options: &segmentation)
        let validation = LocalValidation(model: model, options: segmentation, supportSizes: sizeList)
        let report = try validation.run(cases: cases, jobs: jobs, progress: settings.progressReporter)
        out.pointee = Handle.retain(try ValidationObject(report))
    }
}

@_cdecl("uvs_validation_free")
public func uvs_validation_free(_ validation: OpaquePointer?) {
    Handle.release(validation, as: ValidationObject.self)
}

@_cdecl("uvs_validation_json")
public func uvs_validation_json(_ validation: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let validation else { return nil }
    return UnsafePointer(Handle.object(validation, as: ValidationObject.self).json)
}

@_cdecl("uvs_validation_mean_dice")
public func uvs_validation_mean_dice(
    _ validation: OpaquePointer?, _ supportSize: Int32, _ label: Int32, _ outMean: UnsafeMutablePointer<Double>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let report = Handle.object(try required(validation, "validation"), as: ValidationObject.self).report
        let out = try required(outMean, "out_mean")
        let sized = report.summaries.filter { $0.supportSize == Int(supportSize) }
        guard !sized.isEmpty else {
            let sizes = Set(report.summaries.map(\.supportSize)).sorted().map(String.init).joined(separator: ", ")
            throw .invalidArgument("support size \(supportSize) was not validated (the sizes were \(sizes))")
        }
        guard let summary = sized.first(where: { $0.label == label }) else {
            let labels = sized.map { String($0.label) }.joined(separator: ", ")
            throw .invalidArgument("label \(label) was not validated (the labels were \(labels))")
        }
        guard let mean = summary.dice.mean else {
            throw .invalidArgument("label \(label) has no finite Dice at support size \(supportSize)")
        }
        out.pointee = mean
    }
}
