@_cdecl("uvs_version_number")
public func uvs_version_number() -> Int32 { 100 }
