#!/usr/bin/env bash
# Builds the bare-metal guest programs into guests/prebuilt/*.elf, byte for byte reproducibly
# (fixed flags and link order, no build id, no timestamps, source paths relative to the repo).
# Then, as a check whose outputs are not kept, builds the unprivileged ISA tests and the
# benchmark as Linux o32 user programs and runs them under qemu-mipsel (reference behaviour),
# and builds the benchmark for the host to confirm its expected checksum.
#   bash guests/build.sh            build + checks (checks skipped with a message if a tool is missing)
#   bash guests/build.sh --no-check build only
set -euo pipefail
shopt -s inherit_errexit
cd "${GUESTS_ROOT:-$(dirname "$0")/..}"
ROOT=$PWD
CROSS=${CROSS:-mipsel-linux-gnu-}
CC=${CROSS}gcc
CHECK=1
[ "${1:-}" = "--no-check" ] && CHECK=0

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "guests/build.sh: $CC not found (Debian package gcc-mipsel-linux-gnu)" >&2
	exit 2
fi

OUT=guests/prebuilt
WORK=$(mktemp -d)
[ -n "${KEEP_WORK:-}" ] && echo "work dir: $WORK" || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

BASE=(-EL -march=mips32r2 -mno-abicalls -fno-pic -G0 -nostdlib -ffreestanding -O2
	-std=gnu11 -Wall -Wextra -Werror -fno-common -fno-builtin-printf
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -fno-unwind-tables
	-ffile-prefix-map="$ROOT"=. -Iguests/rt -Iguests/isa)
SOFT=(-msoft-float)
FPU=(-mhard-float -mfp64 -DRT_FPU)
FPU_TEST=(-mhard-float -mfp64)	# the FPU test enables CU1/FR itself
ISA_GROUPS="integer branch loadstore muldiv fpu cp0 tlb eic"
PRIV_GROUPS="cp0 tlb eic"	# also link the privileged helpers and a C part (<group>.c)
QEMU_GROUPS="integer branch loadstore muldiv fpu"		# the unprivileged groups, also run under qemu-mipsel
QEMU_CPUS="24Kf 74Kf"		# MIPS32r2 reference models with a 64-bit FPU and legacy NaNs
LDBARE=(-static -no-pie -T guests/rt/bare.ld -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-z,norelro)
LDLINUX=(-static -no-pie -e __start -Wl,--build-id=none -Wl,-z,norelro)

# cc OBJDIR FLAGS... -- SOURCES...: compiles each source into OBJDIR, prints the objects in order.
cc() {
	local dir=$1; shift
	local flags=()
	while [ "$1" != "--" ]; do flags+=("$1"); shift; done
	shift
	mkdir -p "$dir"
	local src obj objs=()
	for src in "$@"; do
		obj=$dir/$(echo "$src" | tr '/' '_').o
		"$CC" "${BASE[@]}" "${flags[@]}" -c "$src" -o "$obj"
		objs+=("$obj")
	done
	echo "${objs[@]}"
}

RT_COMMON=(guests/rt/libc.c guests/rt/divdi.c)
RT_BARE=(guests/rt/start.S guests/rt/vectors.S guests/rt/bare.c "${RT_COMMON[@]}")
RT_LINUX=(guests/rt/linux.S guests/rt/linux.c "${RT_COMMON[@]}")

# link_bare NAME FLOATFLAGS-ARRAY-NAME SOURCES...
link_bare() {
	local name=$1 fl=$2; shift 2
	local -n f=$fl
	local objs
	objs=$(cc "$WORK/bare-$name" "${f[@]}" -DTV_BARE=1 -- "${RT_BARE[@]}" "$@")
	# shellcheck disable=SC2086
	"$CC" "${BASE[@]}" "${f[@]}" "${LDBARE[@]}" -o "$OUT/$name.elf" $objs
}

link_linux() {
	local name=$1 fl=$2; shift 2
	local -n f=$fl
	local objs
	objs=$(cc "$WORK/linux-$name" "${f[@]}" -DTV_LINUX=1 -- "${RT_LINUX[@]}" "$@")
	# shellcheck disable=SC2086
	"$CC" "${BASE[@]}" "${f[@]}" "${LDLINUX[@]}" -o "$WORK/$name.linux" $objs
}

link_bare hello SOFT guests/hello/hello.c
for g in $ISA_GROUPS; do
	fl=SOFT
	[ "$g" = fpu ] && fl=FPU_TEST
	extra=()
	case " $PRIV_GROUPS " in *" $g "*) extra=(guests/isa/priv.S guests/isa/priv.c "guests/isa/$g.c") ;; esac
	link_bare "isa-$g" "$fl" guests/isa/lib.c "guests/isa/$g.S" "${extra[@]}"
done

# ---- VZ test suite (guests/vz, test/vz): a root-mode test hypervisor; MIPS32 R5 + VZ ----
VZ=(-msoft-float -mvirt -Iguests/vz)
VZ_SRC=(guests/vz/hv.c guests/vz/enter.S guests/vz/guest.S guests/vz/cases-regs.c guests/vz/cases-exits.c
	guests/vz/cases-stage2.c guests/vz/cases-tlb.c guests/vz/cases-misc.c)
BASE_NOVZ=("${BASE[@]}")
BASE=("${BASE[@]/#-march=*/-march=mips32r5}")	# one -march only (gas warns on a second one)
link_bare vz VZ "${VZ_SRC[@]}"
BASE=("${BASE_NOVZ[@]}")
# ---- end of the VZ block ----

# ---- example guests (guests/examples, test/examples): the demo VMs of the reference configs ----
# One image runs bare metal and as a tinyVP VM: code at 0x9fc00000 (boot flash), RAM at 0xa0000000.
EX_FLAGS=(-msoft-float -Iguests/examples)
EX_LD=(-static -no-pie -T guests/examples/examples.ld -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-z,norelro)
# link_example NAME BOARD-DEFINE MAIN-SOURCE
link_example() {
	local name=$1 board=$2 main=$3 objs
	objs=$(cc "$WORK/ex-$name" "${EX_FLAGS[@]}" "$board" -- guests/examples/start.S guests/examples/lib.c "$main")
	# shellcheck disable=SC2086
	"$CC" "${BASE[@]}" "${EX_FLAGS[@]}" "${EX_LD[@]}" -o "$OUT/$name.elf" $objs
}
link_example guest1 -DEX_BOARD_WIFIRE guests/examples/guest1.c
link_example guest2 -DEX_BOARD_WIFIRE guests/examples/guest2.c
link_example dma-guest -DEX_BOARD_WIFIRE guests/examples/dma-guest.c
link_example dm320007 -DEX_BOARD_DM320007 guests/examples/guest2.c
link_example olimex -DEX_BOARD_EMZ64 guests/examples/guest2.c
# ---- end of the example guests block ----

# ---- SoC peripheral tests (guests/soc, test/soc) and board blink programs (guests/blink) ----
SOC_GROUPS="uart timer dma gpio system nvm"
SOC=(-msoft-float -Iguests/soc)
# The system group resets the chip: its reset vector (0xBFC00000) goes back to _start, and it
# brings DEVCFG words (a short watchdog period) that the chip reads at every reset.
SOC_SYSTEM=("${SOC[@]}" -Wl,--section-start=.bootreset=0xBFC00000 -Wl,--section-start=.devcfg=0xBFC0FFC0)
for g in $SOC_GROUPS; do
	fl=SOC
	extra=()
	[ "$g" = system ] && { fl=SOC_SYSTEM; extra=(guests/soc/boot.S); }
	link_bare "soc-$g" "$fl" guests/soc/lib.c guests/soc/vec.S "guests/soc/$g.c" "${extra[@]}"
done
for b in wifire dm320007 emz64; do
	BLINK=(-msoft-float "-DBOARD_$(echo "$b" | tr '[:lower:]' '[:upper:]')")
	link_bare "blink-$b" BLINK guests/blink/blink.c
done
# ---- end of the SoC/blink block ----

BENCH_FLAGS=(-ffp-contract=off -fno-math-errno)
FPU_BENCH=("${FPU[@]}" "${BENCH_FLAGS[@]}")
link_bare bench FPU_BENCH guests/bench/bench.c

echo "guests/build.sh: built $(ls "$OUT"/*.elf | wc -l) programs in $OUT"
[ $CHECK = 1 ] || exit 0

# ---- checks (nothing below writes into the tree) ----
status=0
# run_qemu NAME CPU: runs a Linux build, requires a DONE line with fail=0 and no FAIL line.
run_qemu() {
	local name=$1 cpu=$2 log=$WORK/$1.$2.log
	local rc=0
	qemu-mipsel -cpu "$cpu" "$WORK/$name.linux" >"$log" 2>&1 || rc=$?
	if [ $rc != 0 ] || grep -q '^FAIL' "$log" || ! grep -q '^DONE .* fail=0$' "$log"; then
		echo "guests/build.sh: qemu-mipsel -cpu $cpu $name failed (exit status $rc):" >&2
		grep -v '^ok ' "$log" >&2
		status=1
		return
	fi
	echo "qemu-mipsel -cpu $cpu $name: $(grep '^DONE' "$log")"
}
if command -v qemu-mipsel >/dev/null 2>&1; then
	for g in $QEMU_GROUPS; do
		fl=SOFT
		[ "$g" = fpu ] && fl=FPU_TEST
		link_linux "isa-$g" "$fl" guests/isa/lib.c "guests/isa/$g.S"
		for cpu in $QEMU_CPUS; do run_qemu "isa-$g" "$cpu"; done
	done
else
	echo "guests/build.sh: qemu-mipsel not found: skipping the reference check of the ISA tests" >&2
fi
# The tests on a reference model of a privileged MIPS32r5 core: QEMU's Malta board with a P5600
# (a variant built with TV_MALTA: code in RAM at 0x80100000, console on the Malta 16550). Cases
# whose expectation is M5150- or tinyvp-specific, or where QEMU deviates, are listed with the
# reason in guests/isa/qemu-malta-known.txt; any other failure fails the check.
MALTA_GROUPS="integer branch loadstore muldiv fpu cp0 tlb"
if command -v qemu-system-mipsel >/dev/null 2>&1; then
	sed -e 's/0x9D000000/0x80100000/g; s/0x9D001000/0x80101000/g; s/LENGTH = 0x200000/LENGTH = 0x100000/' \
		guests/rt/bare.ld >"$WORK/malta.ld"
	known=$(sed -n 's/^\([a-z0-9]*\.[^ ]*\).*/\1/p' guests/isa/qemu-malta-known.txt)
	for g in $MALTA_GROUPS; do
		fl=SOFT
		[ "$g" = fpu ] && fl=FPU_TEST
		local_extra=()
		case " $PRIV_GROUPS " in *" $g "*) local_extra=(guests/isa/priv.S guests/isa/priv.c "guests/isa/$g.c") ;; esac
		declare -n flags=$fl
		objs=$(cc "$WORK/malta-$g" "${flags[@]}" -DTV_BARE=1 -DTV_MALTA=1 -- "${RT_BARE[@]}" guests/isa/lib.c "guests/isa/$g.S" "${local_extra[@]}")
		# shellcheck disable=SC2086
		"$CC" "${BASE[@]}" "${flags[@]}" -static -no-pie -T "$WORK/malta.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
			-o "$WORK/malta-$g.elf" $objs
		unset -n flags
		log=$WORK/malta-$g.log
		timeout 120 qemu-system-mipsel -M malta -cpu P5600 -nographic -monitor none -no-reboot -net none -vga none \
			-kernel "$WORK/malta-$g.elf" </dev/null >"$log" 2>&1 || true
		unexpected=$(grep '^FAIL' "$log" | awk '{print $2}' | grep -vxF "$known" || true)
		if [ -n "$unexpected" ] || ! grep -q "^DONE $g " "$log"; then
			echo "guests/build.sh: qemu-system-mipsel -M malta -cpu P5600 isa-$g: unexpected failures:" >&2
			grep -v '^ok ' "$log" | grep -vF "$known" >&2 || true
			status=1
		else
			echo "qemu-system-mipsel malta P5600 isa-$g: $(grep '^DONE' "$log") ($(grep -c '^FAIL' "$log") known differences)"
		fi
	done
else
	echo "guests/build.sh: qemu-system-mipsel not found (Debian qemu-system-mips): skipping the privileged reference check" >&2
fi

# The benchmark: the host build computes the checksum the guest expects; qemu-mipsel agrees.
bench_ok() { grep -q '^bench: checksum 0x[0-9a-f]\{8\} ok$' "$1" && grep -q '^BENCH DONE$' "$1"; }
if command -v gcc >/dev/null 2>&1; then
	gcc -O2 -std=gnu11 -Wall -Wextra -Werror "${BENCH_FLAGS[@]}" -DBENCH_HOST guests/bench/bench.c -o "$WORK/bench.host"
	"$WORK/bench.host" >"$WORK/bench.host.log" || true
	if bench_ok "$WORK/bench.host.log"; then
		echo "host bench: $(head -1 "$WORK/bench.host.log")"
	else
		echo "guests/build.sh: host build of bench: $(head -1 "$WORK/bench.host.log") (update BENCH_EXPECTED?)" >&2
		status=1
	fi
else
	echo "guests/build.sh: no host gcc: skipping the benchmark checksum check" >&2
fi
if command -v qemu-mipsel >/dev/null 2>&1; then
	link_linux bench FPU_BENCH guests/bench/bench.c
	qemu-mipsel -cpu 24Kf "$WORK/bench.linux" >"$WORK/bench.qemu.log" 2>&1 || true
	if bench_ok "$WORK/bench.qemu.log"; then
		echo "qemu-mipsel -cpu 24Kf bench: $(head -1 "$WORK/bench.qemu.log")"
	else
		echo "guests/build.sh: qemu-mipsel bench: $(head -1 "$WORK/bench.qemu.log")" >&2
		status=1
	fi
fi
exit $status
