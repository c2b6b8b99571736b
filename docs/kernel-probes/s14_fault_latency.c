/* s14_fault_latency.c — how long one store to a page takes, by the fault it takes: the timing channel of
 * memory-deduplication attacks (a write to a merged page takes a copy-on-write fault and is slower), and what the
 * model's attacker (engine exposure, cost/fault-latency.properties) is calibrated from.
 *
 * Each case times single 8-byte stores, one per page, over N pages (a fresh mapping per round, R rounds), with
 * clock_gettime(CLOCK_MONOTONIC) around each store (vDSO on the TSC clocksource); the median of timing an empty
 * interval the same way is printed as `timer` and subtracted from every sample. Cases:
 *   plain       store to a present, writable, private anonymous page (no fault)
 *   first_touch store to a never-touched anonymous page: do_anonymous_page allocates a zeroed page
 *   zero_cow    read first (the pte maps the shared zero page), then store: wp_page_copy from the zero page
 *   wp_reuse    fork, the child exits at once; the parent's ptes stay write-protected, the page has one
 *               reference: do_wp_page reuses it in place (no copy)
 *   fork_cow    fork, the child stays alive holding the pages: wp_page_copy of an anonymous page
 *   ksm_cow     pairs of equal pages made MADV_MERGEABLE and merged by ksmd (run=1, sleep_millisecs=0, until
 *               pages_sharing = N/2), ksmd paused (run=0), then a store to every page: wp_page_copy of a KSM page
 *   madvise     madvise(page, 4096, MADV_MERGEABLE) on a page already VM_MERGEABLE: the system call's own cost
 * THP is off for every mapping (MADV_NOHUGEPAGE). Prints per case: n, median, p1, p10, p90, p99, mean (ns); then,
 * per case against `plain`, the fraction of its samples at or below plain's p99, and the errors of a one-sample
 * detector that calls a store "merged" when it took longer than the midpoint between plain's p99 and
 * ksm_cow's p1: the fraction of plain stores above it (false positives) and of ksm_cow stores at or below it (misses).
 *
 * Needs root and KSM for ksm_cow; run under the project lock with the knob wrapper (it restores every knob):
 *   gcc -O2 -Wall -o s14_fault_latency s14_fault_latency.c
 *   flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh pages_to_scan=10000 sleep_millisecs=0 -- ./s14_fault_latency [N=4096] [R=5]
 */
#include "ksmlib.h"

static long N, R;
static double TIMER_NS;

static inline uint64_t ns_now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec; }

static int cmp_d(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

/* timed store of one word to each page of p; samples appended to out[*n] */
static void time_stores(char *p, long npages, double *out, long *n) {
	for (long i = 0; i < npages; i++) {
		volatile uint64_t *q = (volatile uint64_t *)(p + i * PG);
		uint64_t t0 = ns_now();
		*q = 0x5a5a5a5a5a5a5a5aull + i;
		uint64_t t1 = ns_now();
		out[(*n)++] = (double)(t1 - t0) - TIMER_NS;
	}
}

static double pct(double *s, long n, double p) { long i = (long)(p / 100.0 * (n - 1) + 0.5); return s[i]; }

struct result { const char *name; double *s; long n; };
static struct result RES[8]; static int NRES;

static void report_case(const char *name, double *s, long n) {
	qsort(s, n, sizeof *s, cmp_d);
	double sum = 0; for (long i = 0; i < n; i++) sum += s[i];
	printf("%-12s n=%-6ld median=%8.0f p1=%8.0f p10=%8.0f p90=%8.0f p99=%8.0f mean=%8.0f  (ns)\n", name, n,
	       pct(s, n, 50), pct(s, n, 1), pct(s, n, 10), pct(s, n, 90), pct(s, n, 99), sum / n);
	fflush(stdout);
	RES[NRES].name = name; RES[NRES].s = s; RES[NRES].n = n; NRES++;
}

static void fill_pages(char *p, long npages, uint64_t salt) { for (long i = 0; i < npages; i++) fill(p + i * PG, (salt << 32) + 1 + i); }

int main(int argc, char **argv) {
	N = argc > 1 ? atol(argv[1]) : 4096; R = argc > 2 ? atol(argv[2]) : 5;
	if (N < 2 || N % 2) { fprintf(stderr, "N must be even and >= 2\n"); return 2; }
	/* the timer's own cost */
	{
		long m = 100000; double *e = malloc(m * sizeof *e);
		for (long i = 0; i < m; i++) { uint64_t a = ns_now(), b = ns_now(); e[i] = (double)(b - a); }
		qsort(e, m, sizeof *e, cmp_d); TIMER_NS = e[m / 2]; free(e);
	}
	printf("N=%ld pages per round, R=%ld rounds, timer (median of an empty interval, subtracted) = %.0f ns\n", N, R, TIMER_NS);
	double *plain = malloc(N * R * sizeof(double)), *first = malloc(N * R * sizeof(double)), *zcow = malloc(N * R * sizeof(double)),
	       *reuse = malloc(N * R * sizeof(double)), *fcow = malloc(N * R * sizeof(double)), *kcow = malloc(N * R * sizeof(double)),
	       *madv = malloc(N * R * sizeof(double));
	long np = 0, nf = 0, nz = 0, nr = 0, nc = 0, nk = 0, nm = 0;
	for (long r = 0; r < R; r++) {
		char *a;
		/* plain */
		a = amap(0, N, 0); fill_pages(a, N, 100 + r); time_stores(a, N, plain, &np); munmap(a, N * PG);
		/* first touch */
		a = amap(0, N, 0); time_stores(a, N, first, &nf); munmap(a, N * PG);
		/* zero-page COW */
		a = amap(0, N, 0);
		{ volatile uint64_t sink = 0; for (long i = 0; i < N; i++) sink += *(volatile uint64_t *)(a + i * PG); (void)sink; }
		time_stores(a, N, zcow, &nz); munmap(a, N * PG);
		/* wp reuse: fork, child exits at once */
		a = amap(0, N, 0); fill_pages(a, N, 200 + r);
		{ pid_t c = fork(); if (c < 0) die("fork"); if (c == 0) _exit(0); int st; waitpid(c, &st, 0); }
		time_stores(a, N, reuse, &nr); munmap(a, N * PG);
		/* fork COW: the child holds the pages until we are done */
		a = amap(0, N, 0); fill_pages(a, N, 300 + r);
		{
			int pfd[2]; if (pipe(pfd)) die("pipe");
			pid_t c = fork(); if (c < 0) die("fork");
			if (c == 0) { char b; close(pfd[1]); if (read(pfd[0], &b, 1) < 0) {} _exit(0); }
			close(pfd[0]);
			time_stores(a, N, fcow, &nc);
			close(pfd[1]); int st; waitpid(c, &st, 0);
		}
		munmap(a, N * PG);
		/* KSM COW: pairs of equal pages merged by ksmd, then ksmd paused */
		a = amap(0, N, 0);
		for (long i = 0; i < N; i++) fill(a + i * PG, ((uint64_t)(400 + r) << 32) + 1 + i / 2);
		if (madvise(a, N * PG, MADV_MERGEABLE)) die("MADV_MERGEABLE");
		{
			long base = kget("pages_sharing");
			kset("run", 1);
			double t0 = now_s();
			while (kget("pages_sharing") - base < N / 2) { if (now_s() - t0 > 120) die("pages not merged within 120 s (pages_sharing %ld)", kget("pages_sharing")); usleep(1000); }
			ksmd_pause();
		}
		/* the system call alone: MADV_MERGEABLE on one page of a VMA already VM_MERGEABLE */
		for (long i = 0; i < N; i++) {
			uint64_t t0 = ns_now();
			if (madvise(a + i * PG, PG, MADV_MERGEABLE)) die("madvise");
			uint64_t t1 = ns_now();
			madv[nm++] = (double)(t1 - t0) - TIMER_NS;
		}
		time_stores(a, N, kcow, &nk);
		kset("run", 2); /* unmerge what is left, then stop */
		munmap(a, N * PG);
	}
	report_case("plain", plain, np);
	report_case("first_touch", first, nf);
	report_case("zero_cow", zcow, nz);
	report_case("wp_reuse", reuse, nr);
	report_case("fork_cow", fcow, nc);
	report_case("ksm_cow", kcow, nk);
	report_case("madvise", madv, nm);
	double plain99 = pct(plain, np, 99);
	printf("fraction of each case's samples at or below plain's p99 (%.0f ns):", plain99);
	for (int i = 1; i < NRES; i++) {
		long k = 0; for (long j = 0; j < RES[i].n; j++) if (RES[i].s[j] <= plain99) k++;
		printf(" %s=%.4f", RES[i].name, (double)k / RES[i].n);
	}
	printf("\n");
	double thr = (pct(plain, np, 99) + pct(kcow, nk, 1)) / 2;
	long fp = 0, miss = 0;
	for (long j = 0; j < np; j++) if (plain[j] > thr) fp++;
	for (long j = 0; j < nk; j++) if (kcow[j] <= thr) miss++;
	printf("one-sample detector, threshold %.0f ns: plain stores above it %.4f (false positives), ksm_cow stores at or below it %.4f (misses)\n",
	       thr, (double)fp / np, (double)miss / nk);
	return 0;
}
