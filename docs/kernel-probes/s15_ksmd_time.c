/* s15_ksmd_time.c — ksmd's pacing, measured for issue 14 (time fidelity). One run: map N pages with C contents (0: every
 * page unique), MADV_MERGEABLE, write run=1 at t0, poll every 1 ms and print, for every full scan, the time since run=1,
 * pages_scanned, ksmd CPU (schedstat), pages_to_scan (the advisor changes it) and the stability counters; stop after S
 * full scans (or after MAX_MS). Knobs are set by the wrapper (ksmwrap.sh); run it under trace_ksmd.sh to get ksmd's wake-ups, batches and
 * timers from the kernel's own tracepoints (sched_switch, sched_wakeup, timer_start, ksm_start_scan, ksm_advisor).
 * Build: gcc -O2 -Wall -o s15_ksmd_time s15_ksmd_time.c
 * Run:   flock /run/lock/ksmlab-ksm.lock ./trace_ksmd.sh OUT.trace ./ksmwrap.sh pages_to_scan=P sleep_millisecs=S -- ./s15_ksmd_time N C S [MAX_MS] */
#include "ksmlib.h"
#include <dirent.h>
static pid_t ksmd_pid(void) {
	DIR *d = opendir("/proc"); struct dirent *e; pid_t r = -1; char p[300], c[64];
	while ((e = readdir(d))) { if (e->d_name[0] < '0' || e->d_name[0] > '9') continue; snprintf(p, sizeof p, "/proc/%s/comm", e->d_name);
		FILE *f = fopen(p, "r"); if (!f) continue; if (fgets(c, sizeof c, f) && !strcmp(c, "ksmd\n")) r = atoi(e->d_name); fclose(f); if (r > 0) break; }
	closedir(d); return r;
}
static long long ksmd_cpu(pid_t k) { char p[64]; snprintf(p, sizeof p, "/proc/%d/schedstat", k); FILE *f = fopen(p, "r"); long long v = -1; if (f) { if (fscanf(f, "%lld", &v) != 1) v = -1; fclose(f); } return v; }
static void fill_pages(char *a, long n, long c, long seed) {
	for (long i = 0; i < n; i++) {
		uint64_t id = c > 0 ? (uint64_t)(seed * 1000003 + i % c) : (uint64_t)(seed * 1000003 + 7777777 + i);
		uint64_t *p = (uint64_t *)(a + i * PG);
		for (int j = 0; j < 512; j++) p[j] = id;
	}
}
int main(int argc, char **argv) {
	long N = argc > 1 ? atol(argv[1]) : 65536, C = argc > 2 ? atol(argv[2]) : 16, S = argc > 3 ? atol(argv[3]) : 4;
	double max_s = argc > 4 ? atof(argv[4]) / 1e3 : 600; /* stop after MAX_MS even without S full scans */
	pid_t k = ksmd_pid();
	char *a = mmap(NULL, N * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED) die("mmap");
	madvise(a, N * PG, MADV_NOHUGEPAGE);
	fill_pages(a, N, C, getpid());
	if (madvise(a, N * PG, MADV_MERGEABLE)) die("madvise");
	printf("N=%ld C=%ld scans=%ld pages_to_scan=%ld sleep_millisecs=%ld ksmd_pid=%d ksmd_cpu_before_ns=%lld\n", N, C, S,
	       kget("pages_to_scan"), kget("sleep_millisecs"), k, ksmd_cpu(k));
	long long c0 = ksmd_cpu(k); long fs0 = kget("full_scans"), sc0 = kget("pages_scanned"), last = fs0;
	double t0 = now_s();
	kset("run", 1);
	printf("pass t_ms pages_scanned ksmd_cpu_ms pages_to_scan shared sharing unshared volatile\n");
	for (;;) {
		long fs = kget("full_scans");
		if (fs != last) {
			printf("%ld %.1f %ld %.3f %ld %ld %ld %ld %ld\n", fs - fs0, (now_s() - t0) * 1e3, kget("pages_scanned") - sc0, (ksmd_cpu(k) - c0) / 1e6,
			       kget("pages_to_scan"), kget("pages_shared"), kget("pages_sharing"), kget("pages_unshared"), kget("pages_volatile"));
			fflush(stdout);
			last = fs;
			if (fs - fs0 >= S) break;
		}
		if (now_s() - t0 > max_s) {
			printf("stopped after %.1f ms: pages_scanned %ld ksmd_cpu_ms %.3f\n", (now_s() - t0) * 1e3, kget("pages_scanned") - sc0, (ksmd_cpu(k) - c0) / 1e6);
			break;
		}
		usleep(1000);
	}
	kset("run", 0);
	munmap(a, N * PG);
	return 0;
}
