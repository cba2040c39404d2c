/*
 * 64-bit division helpers that gcc calls on MIPS32 (the libgcc names and o32 calling
 * convention): __udivdi3, __umoddi3, __divdi3, __moddi3. Restoring shift-subtract division,
 * with a 32-bit fast path. Signed forms truncate toward zero, the remainder takes the sign of
 * the dividend (C99 6.5.5). Division by zero returns all-ones quotient / the dividend.
 */
#include "rt.h"

static u64 udivmod(u64 n, u64 d, u64 *rem)
{
	if ((n >> 32) == 0 && (d >> 32) == 0 && d != 0) {
		u32 a = (u32)n, b = (u32)d;
		*rem = a % b;
		return a / b;
	}
	if (d == 0) {
		*rem = n;
		return ~(u64)0;
	}
	u64 q = 0, r = 0;
	int bit = 64 - __builtin_clzll(n);
	for (bit--; bit >= 0; bit--) {
		r = (r << 1) | ((n >> bit) & 1);
		if (r >= d) {
			r -= d;
			q |= (u64)1 << bit;
		}
	}
	*rem = r;
	return q;
}

u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);
s64 __divdi3(s64 n, s64 d);
s64 __moddi3(s64 n, s64 d);

u64 __udivdi3(u64 n, u64 d)
{
	u64 r;
	return udivmod(n, d, &r);
}

u64 __umoddi3(u64 n, u64 d)
{
	u64 r;
	udivmod(n, d, &r);
	return r;
}

s64 __divdi3(s64 n, s64 d)
{
	u64 r;
	u64 un = n < 0 ? 0 - (u64)n : (u64)n;
	u64 ud = d < 0 ? 0 - (u64)d : (u64)d;
	u64 q = udivmod(un, ud, &r);
	return (s64)(((n < 0) != (d < 0)) ? 0 - q : q);
}

s64 __moddi3(s64 n, s64 d)
{
	u64 r;
	u64 un = n < 0 ? 0 - (u64)n : (u64)n;
	u64 ud = d < 0 ? 0 - (u64)d : (u64)d;
	udivmod(un, ud, &r);
	return (s64)(n < 0 ? 0 - r : r);
}
