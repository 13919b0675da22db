#include "CVersion.h"

#define UVSEG_SPELLED(number) #number
#define UVSEG_SPELLED_VALUE(macro) UVSEG_SPELLED(macro)

const char *uvseg_version_text(void) {
    return UVSEG_SPELLED_VALUE(UVS_VERSION_MAJOR) "." UVSEG_SPELLED_VALUE(UVS_VERSION_MINOR) "."
        UVSEG_SPELLED_VALUE(UVS_VERSION_PATCH);
}
