/// The library's version; include/uvseg.h repeats it as UVS_VERSION_* macros.
enum LibraryVersion {
    static let major: Int32 = 0
    static let minor: Int32 = 1
    static let patch: Int32 = 0
    static let text: StaticString = "0.1.0"
}

@_cdecl("uvs_version")
public func uvs_version() -> UnsafePointer<CChar> {
    UnsafeRawPointer(LibraryVersion.text.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("uvs_version_number")
public func uvs_version_number() -> Int32 {
    LibraryVersion.major * 10000 + LibraryVersion.minor * 100 + LibraryVersion.patch
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
