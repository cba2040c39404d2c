/*
 * Linux o32 user-mode platform part of the runtime, only for checking the unprivileged tests
 * under qemu-mipsel: process entry, console on fd 1 through write(2), exit(2).
 * o32 system calls: number in v0 (4001 exit, 4004 write), arguments in a0-a2, SYSCALL.
 */
	.set	noreorder

	.text
	.globl	__start
	.ent	__start
__start:
	li	$t0, -8
	and	$sp, $sp, $t0
	addiu	$sp, $sp, -16
	jal	main
	nop
	jal	rt_exit
	move	$a0, $v0
	.end	__start

/* int rt_sys_write(int fd, const void *buf, u32 len) */
	.globl	rt_sys_write
	.ent	rt_sys_write
rt_sys_write:
	li	$v0, 4004
	syscall
	jr	$ra
	nop
	.end	rt_sys_write

	.globl	rt_sys_exit
	.ent	rt_sys_exit
rt_sys_exit:
	li	$v0, 4001
	syscall
1:	b	1b
	nop
	.end	rt_sys_exit
