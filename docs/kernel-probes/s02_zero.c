/* s02_zero.c — item 2: (a) does a read fault on untouched private anon memory map the shared zero page (pagemap PFN, kpageflags ZERO_PAGE bit, RssAnon)?
 * (b) use_zero_pages (knob set by wrapper): Z zero-filled *written* pages + D duplicate pages + R read-only-untouched pages in one MERGEABLE range; counters per scan; then write to one zero page.
 * Build: gcc -O2 -Wall -o s02_zero s02_zero.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh use_zero_pages=1 -- ./s02_zero [Z=500] [D=400] [R=100] */
#include "ksmlib.h"
static uint64_t kpageflags(uint64_t pfn) {
	int fd = open("/proc/kpageflags", O_RDONLY); if (fd < 0) return ~0ULL;
	uint64_t f = 0; if (pread(fd, &f, 8, pfn * 8) != 8) f = ~0ULL; close(fd); return f;
}
static void show(const char *tag, pid_t pid, char *a, long i) {
	uint64_t e = pagemap_entry(pid, (unsigned long)(a + i * PG)); uint64_t pfn = (e >> 63) & 1 ? (e & ((1ULL << 55) - 1)) : 0;
	uint64_t kf = pfn ? kpageflags(pfn) : 0;
	printf("  %s page %ld: present=%d excl=%d file/shared=%d pfn=0x%lx kpf=0x%lx ZERO_PAGE(bit24)=%d KSM(bit21)=%d ANON(bit12)=%d\n", tag, i, (int)((e >> 63) & 1), (int)((e >> 56) & 1), (int)((e >> 61) & 1),
	       (unsigned long)pfn, (unsigned long)kf, (int)((kf >> 24) & 1), (int)((kf >> 21) & 1), (int)((kf >> 12) & 1));
}
int main(int argc, char **argv) {
	long Z = argc > 1 ? atol(argv[1]) : 500, D = argc > 2 ? atol(argv[2]) : 400, R = argc > 3 ? atol(argv[3]) : 100;
	start_run();
	printf("use_zero_pages=%ld smart_scan=%ld\n", kget("use_zero_pages"), kget("smart_scan"));
	/* (a) read fault */
	long n = 64; char *r = amap(0, n, 0);
	addproc("p", getpid(), (unsigned long)r, (unsigned long)r + n * PG);
	report("(a) fresh 64p before read");
	volatile char s = 0; for (long i = 0; i < n; i++) s += r[i * PG];
	report("(a) after reading 64p");
	show("(a) self", getpid(), r, 0); show("(a) self", getpid(), r, 63);
	int pp[2]; if (pipe(pp)) die("pipe");
	pid_t c = fork();
	if (c == 0) { char *q = amap(0, 4, 0); volatile char t = q[0]; (void)t; if (write(pp[1], &q, sizeof q) != sizeof q) _exit(1); pause(); _exit(0); }
	char *q; if (read(pp[0], &q, sizeof q) != sizeof q) die("read");
	show("(a) other process", c, q, 0);
	kill(c, SIGKILL); waitpid(c, NULL, 0);
	munmap(r, n * PG);
	NP = 0;

	/* (b) zero-filled written pages */
	long N = Z + D + R; char *a = amap(0, N, 0);
	for (long i = 0; i < Z; i++) { a[i * PG] = 1; a[i * PG] = 0; }         /* allocated, zero content */
	fill_range(a + Z * PG, D, 10, 2);                                       /* 10 distinct contents */
	for (long i = Z + D; i < N; i++) s += a[i * PG];                        /* read only: zero page if kernel maps it */
	addproc("p", getpid(), (unsigned long)a, (unsigned long)a + N * PG);
	printf("(b) layout: [0,%ld) zero-written, [%ld,%ld) 10 contents, [%ld,%ld) read-only untouched\n", Z, Z, Z + D, Z + D, N);
	report("(b) before madvise");
	if (madvise(a, N * PG, MADV_MERGEABLE)) die("madvise");
	kset("run", 1);
	scans("(b)", 4, 30);
	show("(b) zero-written", getpid(), a, 0); show("(b) zero-written", getpid(), a, 1); show("(b) dup", getpid(), a, Z); show("(b) read-only", getpid(), a, Z + D);
	ksmd_pause();
	report("(b) paused, before write");
	a[5 * PG] = 7;   /* write to a (ksm-)zero page */
	report("(b) after write to zero page 5");
	show("(b) written", getpid(), a, 5);
	s += a[6 * PG];  /* read of another: no change expected */
	report("(b) after read of zero page 6");
	a[Z * PG] = 9;   /* write to a normal KSM page */
	report("(b) after write to dup page Z");
	ksmd_resume();
	scans("(b)after-writes", 4, 30);
	/* MADV_UNMERGEABLE on the zero range */
	ksmd_pause();
	if (madvise(a, Z * PG, MADV_UNMERGEABLE)) die("unmerge");
	report("(b) after UNMERGEABLE on zero range");
	show("(b) after unmerge", getpid(), a, 1);
	ksmd_resume();
	scans("(b)after-unmerge", 4, 10);
	return 0;
}
