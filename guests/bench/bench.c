/*
 * bench.elf: the benchmark guest (hard float, FR=1). A fixed mix of integer work (CRC-32,
 * quicksort), memory work (memcpy/memmove over a few KB, a shuffled linked-list walk) and
 * double-precision work (a five-body gravity simulation, 32x32 matrix products), about 250
 * million instructions in all. Every kernel folds its result into one checksum, compared with
 * BENCH_EXPECTED; the same source built for the host (guests/build.sh) computes that value.
 * Prints `bench: checksum 0x........ ok` (or `bench: FAIL ...`) and `BENCH DONE`, then idles.
 * Floating point is IEEE add/sub/mul/div/sqrt only, built with -ffp-contract=off, so any
 * IEEE-754 double implementation gives the same bits.
 */
#ifdef BENCH_HOST
#include <stdint.h>
#include <stdio.h>
#include <string.h>
typedef uint32_t u32;
typedef uint64_t u64;
#define rt_printf printf
#else
#include "rt.h"
#endif

#define BENCH_EXPECTED 0xd8757edcu /* from the host build (guests/build.sh checks it) */

/* Work sizes: about 250 M instructions in all as built by guests/build.sh. */
#define CRC_BYTES   16384
#define CRC_PASSES  160
#define SORT_N      4096
#define SORT_ROUNDS 80
#define MOVE_BYTES  4096
#define MOVE_ROUNDS 1200
#define LIST_N      2048
#define LIST_WALKS  3000
#define NBODY_STEPS 80000
#define MAT_N       32
#define MAT_ROUNDS  200

static u32 seed = 12345u;
static u32 lcg(void)
{
	seed = seed * 1664525u + 1013904223u;
	return seed;
}

static u32 mix(u32 h, u32 v)
{
	h ^= v;
	h *= 0x01000193u; /* FNV-1a step per word */
	return h ^ (h >> 15);
}

/* ---- CRC-32 (IEEE, reflected), table driven ---- */
static u32 crc_table[256];
static unsigned char crc_buf[CRC_BYTES];

static u32 bench_crc(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	for (u32 i = 0; i < CRC_BYTES; i++)
		crc_buf[i] = (unsigned char)(lcg() >> 24);
	u32 h = 0;
	for (int p = 0; p < CRC_PASSES; p++) {
		u32 c = 0xffffffffu;
		crc_buf[p] ^= (unsigned char)p;
		for (u32 i = 0; i < CRC_BYTES; i++)
			c = crc_table[(c ^ crc_buf[i]) & 0xff] ^ (c >> 8);
		h = mix(h, ~c);
	}
	return h;
}

/* ---- quicksort (median of three, insertion sort for short runs) ---- */
static u32 sort_buf[SORT_N];

static void insertion(u32 *a, int n)
{
	for (int i = 1; i < n; i++) {
		u32 v = a[i];
		int j = i - 1;
		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static void quicksort(u32 *a, int n)
{
	while (n > 16) {
		u32 x = a[0], y = a[n / 2], z = a[n - 1];
		u32 pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
		int i = 0, j = n - 1;
		for (;;) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i >= j)
				break;
			u32 t = a[i];
			a[i] = a[j];
			a[j] = t;
			i++;
			j--;
		}
		/* recurse into the smaller part, loop on the larger */
		if (j + 1 < n - j - 1) {
			quicksort(a, j + 1);
			a += j + 1;
			n -= j + 1;
		} else {
			quicksort(a + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	insertion(a, n);
}

static u32 bench_sort(void)
{
	u32 h = 0;
	for (int r = 0; r < SORT_ROUNDS; r++) {
		for (int i = 0; i < SORT_N; i++)
			sort_buf[i] = lcg() % 100000u;
		quicksort(sort_buf, SORT_N);
		u32 ordered = 1;
		for (int i = 1; i < SORT_N; i++)
			ordered &= sort_buf[i - 1] <= sort_buf[i];
		h = mix(h, sort_buf[r] ^ sort_buf[SORT_N / 2] ^ (ordered << 31));
	}
	return h;
}

/* ---- memcpy / memmove ---- */
static u32 move_a[MOVE_BYTES / 4 + 4], move_b[MOVE_BYTES / 4 + 4];

static u32 bench_move(void)
{
	unsigned char *a = (unsigned char *)move_a, *b = (unsigned char *)move_b;
	for (u32 i = 0; i < MOVE_BYTES / 4; i++)
		move_a[i] = lcg();
	u32 h = 0;
	for (int r = 0; r < MOVE_ROUNDS; r++) {
		memcpy(b, a, MOVE_BYTES);
		memmove(b + 1 + (r & 7), b, MOVE_BYTES - 16);	/* overlapping, unaligned */
		memmove(a, b + 3, MOVE_BYTES - 8);		/* the other direction */
		a[r & (MOVE_BYTES - 1)] ^= (unsigned char)r;
		h = mix(h, move_a[r & (MOVE_BYTES / 4 - 1)] ^ move_b[(r * 7) & (MOVE_BYTES / 4 - 1)]);
	}
	return h;
}

/* ---- linked-list walk over a shuffled ring ---- */
struct node {
	struct node *next;
	u32 value;
};
static struct node nodes[LIST_N];
static u32 order[LIST_N];

static u32 bench_list(void)
{
	for (u32 i = 0; i < LIST_N; i++)
		order[i] = i;
	for (u32 i = LIST_N - 1; i > 0; i--) {
		u32 j = lcg() % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (u32 i = 0; i < LIST_N; i++) {
		nodes[order[i]].next = &nodes[order[(i + 1) % LIST_N]];
		nodes[order[i]].value = lcg() & 0xffff;
	}
	u32 h = 0;
	struct node *p = &nodes[0];
	for (int w = 0; w < LIST_WALKS; w++) {
		u32 sum = 0;
		for (int k = 0; k < LIST_N; k++) {
			sum += p->value;
			p = p->next;
		}
		p->value += (u32)w;
		p = p->next;
		h = mix(h, sum);
	}
	return h;
}

/* ---- five-body gravity (units: AU, years, solar masses) ---- */
struct body {
	double x, y, z, vx, vy, vz, m;
};
#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS 365.24

static u32 double_hash(u32 h, double d)
{
	u64 bits;
	memcpy(&bits, &d, sizeof bits);
	return mix(mix(h, (u32)bits), (u32)(bits >> 32));
}

static u32 bench_nbody(void)
{
	struct body b[5] = {
		{ 0, 0, 0, 0, 0, 0, SOLAR_MASS },
		{ 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
		  1.66007664274403694e-03 * DAYS, 7.69901118419740425e-03 * DAYS,
		  -6.90460016972063023e-05 * DAYS, 9.54791938424326609e-04 * SOLAR_MASS },
		{ 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
		  -2.76742510726862411e-03 * DAYS, 4.99852801234917238e-03 * DAYS,
		  2.30417297573763929e-05 * DAYS, 2.85885980666130812e-04 * SOLAR_MASS },
		{ 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
		  2.96460137564761618e-03 * DAYS, 2.37847173959480950e-03 * DAYS,
		  -2.96589568540237556e-05 * DAYS, 4.36624404335156298e-05 * SOLAR_MASS },
		{ 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
		  2.68067772490389322e-03 * DAYS, 1.62824170038242295e-03 * DAYS,
		  -9.51592254519715870e-05 * DAYS, 5.15138902046611451e-05 * SOLAR_MASS },
	};
	const double dt = 0.01;
	for (int s = 0; s < NBODY_STEPS; s++) {
		for (int i = 0; i < 5; i++) {
			for (int j = i + 1; j < 5; j++) {
				double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
				double d2 = dx * dx + dy * dy + dz * dz;
				double mag = dt / (d2 * __builtin_sqrt(d2));
				b[i].vx -= dx * b[j].m * mag;
				b[i].vy -= dy * b[j].m * mag;
				b[i].vz -= dz * b[j].m * mag;
				b[j].vx += dx * b[i].m * mag;
				b[j].vy += dy * b[i].m * mag;
				b[j].vz += dz * b[i].m * mag;
			}
		}
		for (int i = 0; i < 5; i++) {
			b[i].x += dt * b[i].vx;
			b[i].y += dt * b[i].vy;
			b[i].z += dt * b[i].vz;
		}
	}
	double e = 0;
	for (int i = 0; i < 5; i++) {
		e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
		for (int j = i + 1; j < 5; j++) {
			double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
			e -= b[i].m * b[j].m / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
		}
	}
	u32 h = double_hash(0, e);
	for (int i = 0; i < 5; i++)
		h = double_hash(h, b[i].x);
	return h;
}

/* ---- matrix products C = A*B, then A = C scaled ---- */
static double ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

static u32 bench_matrix(void)
{
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			ma[i][j] = (double)(int)(lcg() % 2001u - 1000) / 1000.0;
			mb[i][j] = (double)(int)(lcg() % 2001u - 1000) / 1000.0;
		}
	u32 h = 0;
	for (int r = 0; r < MAT_ROUNDS; r++) {
		for (int i = 0; i < MAT_N; i++)
			for (int j = 0; j < MAT_N; j++) {
				double s = 0;
				for (int k = 0; k < MAT_N; k++)
					s += ma[i][k] * mb[k][j];
				mc[i][j] = s;
			}
		double norm = 0;
		for (int i = 0; i < MAT_N; i++)
			for (int j = 0; j < MAT_N; j++)
				norm += mc[i][j] < 0 ? -mc[i][j] : mc[i][j];
		double scale = (double)(MAT_N * MAT_N) / norm;
		for (int i = 0; i < MAT_N; i++)
			for (int j = 0; j < MAT_N; j++)
				ma[i][j] = mc[i][j] * scale;
		h = double_hash(h, norm);
	}
	return h;
}

int main(void)
{
	u32 h = 0x811c9dc5u;
	h = mix(h, bench_crc());
	h = mix(h, bench_sort());
	h = mix(h, bench_move());
	h = mix(h, bench_list());
	h = mix(h, bench_nbody());
	h = mix(h, bench_matrix());
	if (h == BENCH_EXPECTED)
		rt_printf("bench: checksum 0x%08x ok\n", h);
	else
		rt_printf("bench: FAIL checksum 0x%08x want 0x%08x\n", h, BENCH_EXPECTED);
	rt_printf("BENCH DONE\n");
	return h != BENCH_EXPECTED;
}
