import Workflow

@_cdecl("uvs_options_create")
public func uvs_options_create(_ outOptions: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let out = try required(outOptions, "out_options")
        out.pointee = Handle.retain(Options())
    }
}

@_cdecl("uvs_options_free")
public func uvs_options_free(_ options: OpaquePointer?) {
    Handle.release(options, as: Options.self)
}

@_cdecl("uvs_options_set_progress")
public func uvs_options_set_progress(
    _ options: OpaquePointer?, _ callback: ProgressFunction?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let options = Handle.object(try required(options, "options"), as: Options.self)
        options.progress = callback.map { ($0, userData) }
    }
}
