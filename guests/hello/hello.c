/* hello.elf: the smallest guest; prints one line on UART4 and idles (WAIT loop, interrupts off). */
#include "rt.h"

int main(void)
{
	rt_puts("hello from tinyvp\n");
	return 0;
}
