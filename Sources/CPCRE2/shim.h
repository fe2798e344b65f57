// PCRE2 for 8-bit (UTF-8) code units. The library's API names are macros that add the code-unit
// width (`pcre2_compile` is `pcre2_compile_8`); Swift sees the suffixed names.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
