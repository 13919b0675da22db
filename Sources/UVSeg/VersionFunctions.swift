import Workflow

@_cdecl("uvs_version")
public func uvs_version() -> UnsafePointer<CChar> {
    UVSegVersion.cText
}

@_cdecl("uvs_version_number")
public func uvs_version_number() -> Int32 {
    UVSegVersion.major * 10000 + UVSegVersion.minor * 100 + UVSegVersion.patch
}

@_cdecl("uvs_last_error")
public func uvs_last_error() -> UnsafePointer<CChar> {
    LastError.pointer
}

@_cdecl("uvs_status_name")
public func uvs_status_name(_ status: Int32) -> UnsafePointer<CChar> {
    let name: StaticString = Status(rawValue: status)?.name ?? "UVS_ERROR_UNKNOWN_STATUS"
    return UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
}
