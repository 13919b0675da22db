// The default model's safetensors file, built into the library (models/uvseg-default.safetensors).
#include <stddef.h>

// The file's first byte; the bytes live as long as the library is loaded.
const unsigned char *uvseg_default_model_data(void);

// The file's size in bytes.
size_t uvseg_default_model_size(void);
