/*
 * The C library subset the guests and gcc's generated code use: memory and string functions
 * and a small printf. Built with -fno-tree-loop-distribute-patterns so gcc does not turn these
 * loops back into calls to themselves.
 */
#include "rt.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;
	if ((((u32)d | (u32)s) & 3) == 0) {
		while (n >= 16) {
			u32 a = ((const u32 *)s)[0], b = ((const u32 *)s)[1];
			u32 c = ((const u32 *)s)[2], e = ((const u32 *)s)[3];
			((u32 *)d)[0] = a;
			((u32 *)d)[1] = b;
			((u32 *)d)[2] = c;
			((u32 *)d)[3] = e;
			d += 16;
			s += 16;
			n -= 16;
		}
		while (n >= 4) {
			*(u32 *)d = *(const u32 *)s;
			d += 4;
			s += 4;
			n -= 4;
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	d += n;
	s += n;
	if ((((u32)d | (u32)s) & 3) == 0) {
		while (n >= 4) {
			d -= 4;
			s -= 4;
			*(u32 *)d = *(const u32 *)s;
			n -= 4;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	u32 w = (u8)c * 0x01010101u;
	while (n && ((u32)d & 3)) {
		*d++ = (u8)c;
		n--;
	}
	while (n >= 4) {
		*(u32 *)d = w;
		d += 4;
		n -= 4;
	}
	while (n--)
		*d++ = (u8)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *p = a, *q = b;
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p < *q ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;
	while (*p)
		p++;
	return (size_t)(p - s);
}

void rt_puts(const char *s)
{
	while (*s)
		rt_putc(*s++);
}

static void put_padded(const char *digits, int len, int width, char pad)
{
	while (width-- > len)
		rt_putc(pad);
	while (len--)
		rt_putc(*digits++);
}

static int format_unsigned(char *end, u32 v, u32 base, int upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int len = 0;
	do {
		*--end = set[v % base];
		v /= base;
		len++;
	} while (v);
	return len;
}

int rt_printf(const char *fmt, ...)
{
	__builtin_va_list ap;
	char buf[12];
	__builtin_va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			rt_putc(*fmt);
			continue;
		}
		fmt++;
		char pad = ' ';
		int width = 0;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			fmt++;
		char *end = buf + sizeof buf;
		int len;
		switch (*fmt) {
		case 's': {
			const char *s = __builtin_va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			put_padded(s, (int)strlen(s), width, ' ');
			break;
		}
		case 'c':
			buf[0] = (char)__builtin_va_arg(ap, int);
			put_padded(buf, 1, width, ' ');
			break;
		case 'd': {
			s32 v = __builtin_va_arg(ap, s32);
			u32 mag = v < 0 ? 0u - (u32)v : (u32)v;
			len = format_unsigned(end, mag, 10, 0);
			if (v < 0) {
				if (pad == '0') {
					rt_putc('-');
					width--;
				} else {
					*(end - len - 1) = '-';
					len++;
				}
			}
			put_padded(end - len, len, width, pad);
			break;
		}
		case 'u':
			len = format_unsigned(end, __builtin_va_arg(ap, u32), 10, 0);
			put_padded(end - len, len, width, pad);
			break;
		case 'x':
		case 'X':
			len = format_unsigned(end, __builtin_va_arg(ap, u32), 16, *fmt == 'X');
			put_padded(end - len, len, width, pad);
			break;
		case '%':
			rt_putc('%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			rt_putc('%');
			rt_putc(*fmt);
			break;
		}
	}
	__builtin_va_end(ap);
	return 0;
}
