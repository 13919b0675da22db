// Umbrella header over Debian's libnifti2 (package libnifti2-dev).
#include <nifti/nifti2_io.h>
