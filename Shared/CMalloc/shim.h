#ifndef IBLAGH_CMALLOC_SHIM_H
#define IBLAGH_CMALLOC_SHIM_H
// glibc's allocator tuning (mallopt), which Swift's Glibc module does not bring in.
#include <malloc.h>
#endif
