/* The version of include/uvseg.h, the one place it is written, for the Swift layers: the
 * UVS_VERSION_* macros come with the header, and uvseg_version_text spells them out. */
#ifndef UVSEG_CVERSION_H
#define UVSEG_CVERSION_H

#include "../../../include/uvseg.h"

/* "MAJOR.MINOR.PATCH", in static storage (uvs_version hands it to C callers). */
const char *uvseg_version_text(void);

#endif
