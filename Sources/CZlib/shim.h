#include <zlib.h>

/* inflateInit2 is a macro; Swift cannot call macros, so wrap it. 15 + 32: any window size,
   and detect a gzip or zlib header automatically. */
static inline int starling_inflate_init(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}

/* deflateInit2 is a macro too: a gzip stream (15 + 16: the largest window, gzip header and
   trailer with no name and time 0, so the same input always gives the same bytes). */
static inline int starling_deflate_gzip_init(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
