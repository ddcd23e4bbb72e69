/* SPDX-License-Identifier: Apache-2.0 */
/*
 * memcpy, memmove, memset and memcmp: a freestanding GCC may emit calls to
 * them (struct copies and initialisers). memcpy and memset are one string
 * instruction (`rep movsb`, `rep stosb`): a host that emulates guest code
 * runs that far faster than a loop. The rest are plain byte loops; this
 * file is built with -fno-tree-loop-distribute-patterns so that GCC does
 * not turn the loops back into calls to themselves.
 */
#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;

	__asm__ __volatile__("cld; rep movsb"
			     : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ __volatile__("cld; rep stosb"
			     : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}
