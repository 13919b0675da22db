"""The package's declarations against include/uvseg.h: every function of the header has one, and
each declares the header's return and argument types (a wrong width or a missing argument would
pass the wrong bits, not fail). The ctypes tests of Tests/python use the same declarations."""
import ctypes
import re
import subprocess

import pytest

import uvseg
from uvseg._library import DECLARED, STATUS, FloatBuffer
from uvseg.metrics import _CMetrics
from conftest import REPO

# Programs compare it with UVS_VERSION_NUMBER; Python has library_version().
USED_INTERNALLY = {"uvs_version_number"}

SCALARS = {"int32_t": ctypes.c_int32, "int64_t": ctypes.c_int64, "uint64_t": ctypes.c_uint64,
           "double": ctypes.c_double, "float": ctypes.c_float, "int": ctypes.c_int, "char": ctypes.c_char}


def preprocessed_header():
    """include/uvseg.h through the C preprocessor, on one line."""
    preprocessed = subprocess.run(["cc", "-E", "-P", "-x", "c", str(REPO / "include" / "uvseg.h")],
                                  capture_output=True, text=True, check=True).stdout
    return " ".join(preprocessed.split())


def header_prototypes():
    """{name: (return type, [parameter declarations])} of the preprocessed header."""
    flat = preprocessed_header()
    prototypes = {}
    for returned, name, parameters in re.findall(r"([A-Za-z_][\w\s\*]*?)\s*\b(uvs_\w+)\s*\(([^()]*)\)\s*;", flat):
        declared = [] if parameters.strip() == "void" else [p.strip() for p in parameters.split(",")]
        prototypes[name] = (returned.split(";")[-1].split("}")[-1].strip(), declared)
    return prototypes


def c_type(declaration, name_present=True):
    """(base type, pointer depth, array length or None) of a C declaration such as
    'const uvs_volume *const *images' or 'double out_affine[16]'."""
    array = re.search(r"\[(\d+)\]\s*$", declaration)
    text = declaration[:array.start()] if array else declaration
    words = text.replace("*", " * ").split()
    if name_present and words[-1] != "*":
        words = words[:-1]
    depth = words.count("*") + (1 if array else 0)
    base = [word for word in words if word not in ("const", "*")]
    assert len(base) == 1, declaration
    return base[0], depth, int(array.group(1)) if array else None


def is_pointer_to(ctype, element, length):
    """Whether ctype is POINTER(element) or, for an array parameter, POINTER(element * length)."""
    if not (isinstance(ctype, type) and issubclass(ctype, ctypes._Pointer)):
        return False
    target = ctype._type_
    if length is not None and issubclass(target, ctypes.Array):
        return target._type_ is element and target._length_ == length
    return target is element


def agrees(declaration, ctype, name_present=True):
    """Whether a ctypes type passes the same bits as the C declaration."""
    base, depth, length = c_type(declaration, name_present)
    if depth == 0:
        if base == "uvs_status":
            return ctype is STATUS or ctype is ctypes.c_int
        if base == "void":
            return ctype is None
        if base == "uvs_progress_fn":
            return isinstance(ctype, type) and issubclass(ctype, ctypes._CFuncPtr)
        return ctype is SCALARS.get(base, object())
    if base == "char" and depth == 1:
        return ctype is ctypes.c_char_p or is_pointer_to(ctype, ctypes.c_char, length)
    if base == "float" and depth == 1:
        return ctype is FloatBuffer
    if base in SCALARS and depth == 1:
        return is_pointer_to(ctype, SCALARS[base], length)
    if base == "void" and depth == 1:
        return ctype is ctypes.c_void_p
    if base.startswith("uvs_") and depth == 1:
        # An opaque handle, or a struct the package lays out (uvs_metrics).
        return ctype is ctypes.c_void_p or (
            isinstance(ctype, type) and issubclass(ctype, ctypes._Pointer) and issubclass(ctype._type_, ctypes.Structure))
    if base.startswith("uvs_") and depth == 2:
        return is_pointer_to(ctype, ctypes.c_void_p, None)
    return False


def test_every_function_of_the_header_is_wrapped():
    in_header = set(header_prototypes())
    assert len(in_header) > 20 and uvseg.__all__  # importing uvseg declared every wrapped function
    assert in_header - set(DECLARED) - USED_INTERNALLY == set()
    assert set(DECLARED) - in_header == set()


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_each_declaration_has_the_headers_types(name):
    returned, parameters = header_prototypes()[name]
    function = DECLARED[name]
    assert agrees(returned, function.restype, name_present=False), f"{name} returns {returned}"
    assert len(function.argtypes) == len(parameters), f"{name}({', '.join(parameters)})"
    for parameter, ctype in zip(parameters, function.argtypes):
        assert agrees(parameter, ctype), f"{name}: {parameter} declared as {ctype}"


def test_the_metrics_struct_has_the_headers_layout():
    body = re.search(r"struct uvs_metrics \{([^}]*)\}", preprocessed_header()).group(1)
    fields = [field.split() for field in body.split(";") if field.strip()]
    assert [(name, SCALARS[kind]) for kind, name in fields] == list(_CMetrics._fields_)


@pytest.mark.parametrize("declaration, ctype, expected", [
    ("int32_t size", ctypes.c_int32, True), ("int32_t size", ctypes.c_int64, False),
    ("int64_t count", ctypes.c_int32, False), ("uint64_t seed", ctypes.c_uint64, True),
    ("double out_spacing[3]", ctypes.POINTER(ctypes.c_double * 3), True),
    ("double out_spacing[3]", ctypes.POINTER(ctypes.c_double * 4), False),
    ("int64_t *out_count", ctypes.POINTER(ctypes.c_int32), False),
    ("const float *voxels", ctypes.c_void_p, False), ("const float *voxels", FloatBuffer, True),
    ("uvs_volume **out_volume", ctypes.c_void_p, False),
    ("const uvs_volume *const *images", ctypes.POINTER(ctypes.c_void_p), True),
])
def test_the_comparison_tells_types_apart(declaration, ctype, expected):
    assert agrees(declaration, ctype) is expected
