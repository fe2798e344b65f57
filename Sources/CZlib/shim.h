#include <zlib.h>

/* inflateInit2 is a macro; Swift cannot call macros, so wrap it. 15 + 32: any window size,
   and detect a gzip or zlib header automatically. */
static inline int starling_inflate_init(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}
