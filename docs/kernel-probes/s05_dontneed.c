/* s05_dontneed.c — item 5: MADV_DONTNEED on K merged pages (first K pages of a converged range), then re-write them with the same duplicate contents; counters at once (ksmd paused) and per scan.
 * Build: gcc -O2 -Wall -o s05_dontneed s05_dontneed.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh pages_to_scan=4000 [smart_scan=0] -- ./s05_dontneed [N=1000] [C=10] [K=100] [quick]
 * quick: the pages are re-written right after MADV_DONTNEED while ksmd is still paused (no ksmd visit in between). */
#include "ksmlib.h"
int main(int argc, char **argv) {
	long N = argc > 1 ? atol(argv[1]) : 1000, C = argc > 2 ? atol(argv[2]) : 10, K = argc > 3 ? atol(argv[3]) : 100;
	int quick = argc > 4 && !strcmp(argv[4], "quick");
	start_run();
	char *a = amap(0, N, 0);
	fill_range(a, N, C, 5);
	pid_t me = getpid(); addproc("p", me, (unsigned long)a, (unsigned long)a + N * PG);
	printf("N=%ld C=%ld K=%ld smart_scan=%ld pages_to_scan=%ld\n", N, C, K, kget("smart_scan"), kget("pages_to_scan"));
	if (madvise(a, N * PG, MADV_MERGEABLE)) die("madvise");
	kset("run", 1);
	scans("converge", 4, 30);
	ksmd_pause(); report("paused,before-DONTNEED");
	if (madvise(a, K * PG, MADV_DONTNEED)) die("dontneed");
	report("paused,after-DONTNEED"); frames("dontneed'd", me, (unsigned long)a, K);
	if (!quick) {
		ksmd_resume(); scans("dontneed", 5, 12);
		ksmd_pause(); report("paused,before-rewrite");
	}
	fill_range(a, K, C, 5);   /* same contents as before (page i gets content i % C) */
	report("paused,after-rewrite"); frames("rewritten", me, (unsigned long)a, K);
	ksmd_resume(); scans("rewrite", 4, 40);
	frames("rewritten", me, (unsigned long)a, K);
	return 0;
}
