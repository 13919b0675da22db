#include "CDefaultModel.h"

// The assembler copies the file into the library's read-only data, so the default model needs no
// file at run time. Package.swift defines UVSEG_DEFAULT_MODEL_FILE as the file's absolute path.
// The build does not see changes to that file: touch this one after replacing the model.
__asm__(
    ".section .rodata\n"
    ".balign 64\n"
    "default_model_start:\n"
    ".incbin \"" UVSEG_DEFAULT_MODEL_FILE "\"\n"
    "default_model_end:\n"
    ".previous\n");

extern const unsigned char default_model_start[];
extern const unsigned char default_model_end[];

const unsigned char *uvseg_default_model_data(void) { return default_model_start; }

size_t uvseg_default_model_size(void) { return (size_t)(default_model_end - default_model_start); }
