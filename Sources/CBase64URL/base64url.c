#include "CBase64URL.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))

#include <cpuid.h>
#include <immintrin.h>

bool ag_base64url_vector_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    // The OS must save the YMM registers (OSXSAVE, then XCR0 bits 1 and 2).
    if (!(ecx & bit_OSXSAVE) || !(ecx & bit_AVX)) return false;
    unsigned int xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 6) != 6) return false;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    return (ebx & bit_AVX2) != 0;
}

// Decoding (after W. Muła and D. Lemire, "Faster Base64 Encoding and Decoding Using AVX2
// Instructions", 2018), with the tables for the URL alphabet. A character c is valid when
// lowNibbleMask[c & 15] & highNibbleClass[c >> 4] == 0: each high nibble has a class bit, and the
// low-nibble table sets that bit for every low nibble the class does not allow.
//   high 2: only '-' (low D)          class 0x01
//   high 3: '0'-'9' (low 0-9)          class 0x02
//   high 4, 6: 'A'-'O', 'a'-'o' (1-F)  class 0x04
//   high 5: 'P'-'Z' (0-A), '_' (F)     class 0x08
//   high 7: 'p'-'z' (0-A)              class 0x10
//   others (incl. bytes >= 0x80)       class 0x80, set for every low nibble
// The 6-bit value is c plus an offset chosen by the high nibble, except '_', which is fixed up.
__attribute__((target("avx2"))) size_t ag_base64url_decode_blocks(
    const uint8_t *src, size_t count, uint8_t *dst, size_t capacity, bool *invalid) {
    const __m256i lowNibbleMask = _mm256_setr_epi8(
        // low nibble: 0     1     2     3     4     5     6     7     8     9     A     B     C     D     E     F
        (char)0x85, (char)0x81, (char)0x81, (char)0x81, (char)0x81, (char)0x81, (char)0x81, (char)0x81,
        (char)0x81, (char)0x81, (char)0x83, (char)0x9B, (char)0x9B, (char)0x9A, (char)0x9B, (char)0x93,
        (char)0x85, (char)0x81, (char)0x81, (char)0x81, (char)0x81, (char)0x81, (char)0x81, (char)0x81,
        (char)0x81, (char)0x81, (char)0x83, (char)0x9B, (char)0x9B, (char)0x9A, (char)0x9B, (char)0x93);
    const __m256i highNibbleClass = _mm256_setr_epi8(
        (char)0x80, (char)0x80, 0x01, 0x02, 0x04, 0x08, 0x04, 0x10,
        (char)0x80, (char)0x80, (char)0x80, (char)0x80, (char)0x80, (char)0x80, (char)0x80, (char)0x80,
        (char)0x80, (char)0x80, 0x01, 0x02, 0x04, 0x08, 0x04, 0x10,
        (char)0x80, (char)0x80, (char)0x80, (char)0x80, (char)0x80, (char)0x80, (char)0x80, (char)0x80);
    // Offsets by high nibble: '-' +17, digits +4, upper -65, lower -71.
    const __m256i offsetByHigh = _mm256_setr_epi8(
        0, 0, 17, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 17, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i underscore = _mm256_set1_epi8('_');
    const __m256i underscoreFix = _mm256_set1_epi8(33);  // '_' is 95 → 63: -32, not -65
    const __m256i pairWeights = _mm256_set1_epi32(0x01400140);
    const __m256i quadWeights = _mm256_set1_epi32(0x00011000);
    const __m256i packBytes = _mm256_setr_epi8(
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i packLanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);
    __m256i bad = _mm256_setzero_si256();
    size_t i = 0, o = 0;
    while (count - i >= 32 && capacity - o >= 24) {
        __m256i chars = _mm256_loadu_si256((const __m256i *)(src + i));
        __m256i high = _mm256_and_si256(_mm256_srli_epi32(chars, 4), nibble);
        __m256i low = _mm256_and_si256(chars, nibble);
        bad = _mm256_or_si256(bad, _mm256_and_si256(
            _mm256_shuffle_epi8(lowNibbleMask, low), _mm256_shuffle_epi8(highNibbleClass, high)));
        __m256i offset = _mm256_add_epi8(
            _mm256_shuffle_epi8(offsetByHigh, high),
            _mm256_and_si256(_mm256_cmpeq_epi8(chars, underscore), underscoreFix));
        __m256i values = _mm256_add_epi8(chars, offset);
        // [00aaaaaa 00bbbbbb] → 0000aaaa aabbbbbb, then pairs of those → 24 bits per 32-bit lane.
        __m256i pairs = _mm256_maddubs_epi16(values, pairWeights);
        __m256i quads = _mm256_madd_epi16(pairs, quadWeights);
        __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(quads, packBytes), packLanes);
        _mm_storeu_si128((__m128i *)(dst + o), _mm256_castsi256_si128(bytes));
        _mm_storel_epi64((__m128i *)(dst + o + 16), _mm256_extracti128_si256(bytes, 1));
        i += 32;
        o += 24;
    }
    if (!_mm256_testz_si256(bad, bad)) *invalid = true;
    return i;
}

// Encoding (W. Muła, "AVX2 base64 encoding"): spread each 3 bytes over a 32-bit lane, cut the four
// 6-bit indices out with two multiplies, then map indices to characters by range.
__attribute__((target("avx2"))) size_t ag_base64url_encode_blocks(
    const uint8_t *src, size_t count, uint8_t *dst, size_t capacity) {
    const __m256i spread = _mm256_setr_epi8(
        1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,
        1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
    // Index classes after the saturating subtract: 13 for 0-25, 0 for 26-51, 1-10 for 52-61, 11, 12.
    const __m256i offsetByClass = _mm256_setr_epi8(
        'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
        '0' - 52, '0' - 52, '0' - 52, '-' - 62, '_' - 63, 'A', 0, 0,
        'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
        '0' - 52, '0' - 52, '0' - 52, '-' - 62, '_' - 63, 'A', 0, 0);
    size_t i = 0, o = 0;
    while (count - i >= 28 && capacity - o >= 32) {
        __m128i first = _mm_loadu_si128((const __m128i *)(src + i));
        __m128i second = _mm_loadu_si128((const __m128i *)(src + i + 12));
        __m256i input = _mm256_shuffle_epi8(
            _mm256_inserti128_si256(_mm256_castsi128_si256(first), second, 1), spread);
        __m256i highPairs = _mm256_mulhi_epu16(
            _mm256_and_si256(input, _mm256_set1_epi32(0x0fc0fc00)), _mm256_set1_epi32(0x04000040));
        __m256i lowPairs = _mm256_mullo_epi16(
            _mm256_and_si256(input, _mm256_set1_epi32(0x003f03f0)), _mm256_set1_epi32(0x01000010));
        __m256i indices = _mm256_or_si256(highPairs, lowPairs);
        __m256i classes = _mm256_subs_epu8(indices, _mm256_set1_epi8(51));
        __m256i upper = _mm256_cmpgt_epi8(_mm256_set1_epi8(26), indices);
        classes = _mm256_or_si256(classes, _mm256_and_si256(upper, _mm256_set1_epi8(13)));
        __m256i characters = _mm256_add_epi8(indices, _mm256_shuffle_epi8(offsetByClass, classes));
        _mm256_storeu_si256((__m256i *)(dst + o), characters);
        i += 24;
        o += 32;
    }
    return i;
}

#else

bool ag_base64url_vector_available(void) { return false; }

size_t ag_base64url_decode_blocks(const uint8_t *src, size_t count, uint8_t *dst, size_t capacity, bool *invalid) {
    (void)src, (void)count, (void)dst, (void)capacity, (void)invalid;
    return 0;
}

size_t ag_base64url_encode_blocks(const uint8_t *src, size_t count, uint8_t *dst, size_t capacity) {
    (void)src, (void)count, (void)dst, (void)capacity;
    return 0;
}

#endif
