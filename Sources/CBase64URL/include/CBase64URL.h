#ifndef ACTIONGATE_CBASE64URL_H
#define ACTIONGATE_CBASE64URL_H

// Vector kernels for the bulk of base64url (RFC 4648 §5, no padding) encoding and decoding.
//
// Why C: the fast algorithms need byte shuffles (PSHUFB) and multiply-add packing (PMADDUBSW), which
// baseline x86-64 Swift cannot emit; Swift code cannot be compiled for AVX2 per function, only per
// module, and such a module would crash on CPUs without AVX2. Here only these two functions are built
// for AVX2 and Swift calls them after `ag_base64url_vector_available()` said yes.
//
// The kernels do whole blocks only and never touch memory outside [src, src + count) and
// [dst, dst + capacity); Swift (Base64URL) finishes the tail, locates bad characters and checks the
// final group, so every strictness rule stays in one place.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Whether the kernels below can run on this CPU (x86-64 with AVX2 enabled by the OS).
bool ag_base64url_vector_available(void);

/// Decodes 32-character blocks from `src` into 24-byte blocks at `dst` while a whole block fits in
/// both `count` and `capacity`. Returns the number of characters consumed (a multiple of 32; 0 when
/// the kernels are unavailable). Sets `*invalid` to true when a consumed character is outside the
/// alphabet (the output is then unspecified), and leaves it untouched otherwise.
size_t ag_base64url_decode_blocks(const uint8_t *src, size_t count, uint8_t *dst, size_t capacity, bool *invalid);

/// Encodes 24-byte blocks from `src` into 32-character blocks at `dst` while a block fits: it reads
/// 28 bytes per block (4 of look-ahead), so it stops 4 bytes before the end of `src`. Returns the
/// number of bytes consumed (a multiple of 24; 0 when the kernels are unavailable).
size_t ag_base64url_encode_blocks(const uint8_t *src, size_t count, uint8_t *dst, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
