// SwiftPM builds a C target only if it has a source file; the module is its header alone.
#include "CNIfTI.h"
