// nifti2_io.h includes <znzlib.h> with angle brackets; Debian installs it under nifti/.
#include <nifti/znzlib.h>
