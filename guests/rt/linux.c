/* Linux user-mode console for the qemu-mipsel check builds: a line buffer flushed by write(2). */
#include "rt.h"

int rt_sys_write(int fd, const void *buf, u32 len);
void rt_sys_exit(int status) __attribute__((noreturn));

static char line[256];
static u32 used;

static void flush(void)
{
	if (used)
		rt_sys_write(1, line, used);
	used = 0;
}

void rt_putc(int c)
{
	line[used++] = (char)c;
	if (c == '\n' || used == sizeof line)
		flush();
}

void rt_exit(int status)
{
	flush();
	rt_sys_exit(status);
}
