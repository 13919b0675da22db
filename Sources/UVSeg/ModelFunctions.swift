import Workflow

@_cdecl("uvs_model_load")
public func uvs_model_load(
    _ path: UnsafePointer<CChar>?, _ outModel: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let path = try requiredString(path, "path")
        let out = try required(outModel, "out_model")
        out.pointee = Handle.retain(ModelObject(try UniverSegModel(contentsOf: path)))
    }
}

@_cdecl("uvs_model_free")
public func uvs_model_free(_ model: OpaquePointer?) {
    Handle.release(model, as: ModelObject.self)
}

@_cdecl("uvs_model_size_multiple")
public func uvs_model_size_multiple(_ model: OpaquePointer?) -> Int32 {
    guard let model else { return 0 }
    return Int32(clamping: Handle.object(model, as: ModelObject.self).model.sizeMultiple)
}

@_cdecl("uvs_predict")
public func uvs_predict(
    _ model: OpaquePointer?,
    _ query: UnsafePointer<Float>?, _ nQuery: Int32,
    _ supportImages: UnsafePointer<Float>?, _ supportLabels: UnsafePointer<Float>?,
    _ nSupport: Int32,
    _ height: Int32, _ width: Int32,
    _ outLogits: UnsafeMutablePointer<Float>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        try predict(model, query, nQuery, supportImages, supportLabels, nSupport, height, width, threads: 0, outLogits)
    }
}

@_cdecl("uvs_predict_with_options")
public func uvs_predict_with_options(
    _ model: OpaquePointer?,
    _ query: UnsafePointer<Float>?, _ nQuery: Int32,
    _ supportImages: UnsafePointer<Float>?, _ supportLabels: UnsafePointer<Float>?,
    _ nSupport: Int32,
    _ height: Int32, _ width: Int32,
    _ options: OpaquePointer?,
    _ outLogits: UnsafeMutablePointer<Float>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let threads = Options.settings(options).segmentation.threads
        try predict(model, query, nQuery, supportImages, supportLabels, nSupport, height, width, threads: threads, outLogits)
    }
}

/// The prediction of both uvs_predict functions, on `threads` threads (0: every core).
private func predict(
    _ model: OpaquePointer?,
    _ query: UnsafePointer<Float>?, _ nQuery: Int32,
    _ supportImages: UnsafePointer<Float>?, _ supportLabels: UnsafePointer<Float>?,
    _ nSupport: Int32,
    _ height: Int32, _ width: Int32, threads: Int,
    _ outLogits: UnsafeMutablePointer<Float>?
) throws(UVSegError) {
    let loaded = Handle.object(try required(model, "model"), as: ModelObject.self).model
    let queryCount = try count(nQuery, "n_query")
    let supportCount = try count(nSupport, "n_support")
    let rows = try count(height, "height")
    let columns = try count(width, "width")
    let queryValues = try elementCount(queryCount, rows, columns, of: "query")
    let supportValues = try elementCount(supportCount, rows, columns, of: "the support set")
    try loaded.predict(
        queries: UnsafeBufferPointer(start: try required(query, "query"), count: queryValues),
        supportImages: UnsafeBufferPointer(start: try required(supportImages, "support_images"), count: supportValues),
        supportLabels: UnsafeBufferPointer(start: try required(supportLabels, "support_labels"), count: supportValues),
        queryCount: queryCount, supportCount: supportCount, height: rows, width: columns, threads: threads,
        into: UnsafeMutableBufferPointer(start: try required(outLogits, "out_logits"), count: queryValues))
}

@_cdecl("uvs_model_load_default")
public func uvs_model_load_default(_ outModel: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let out = try required(outModel, "out_model")
        out.pointee = Handle.retain(ModelObject(try UniverSegModel.builtInDefault()))
    }
}
