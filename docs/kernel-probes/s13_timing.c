/* s13_timing.c — Part 3: ksmd timing. For R runs: run=2 (clean), map N pages with C contents (MADV_MERGEABLE), run=1 at t0, poll every 1 ms
 * until pages_shared+pages_sharing==N (every page merged; with max_page_sharing=256 a content of >256 pages forms a chain of dups), then E extra full scans (steady state). Prints per run: time to converge, full scans used,
 * duration of each pass (full_scans increments), ksmd CPU (ns from /proc/<ksmd>/schedstat) during convergence and per steady pass.
 * Knobs pages_to_scan / sleep_millisecs are set by the wrapper. Build: gcc -O2 -Wall -o s13_timing s13_timing.c
 * Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh pages_to_scan=P sleep_millisecs=S -- ./s13_timing [N=65536] [C=16] [R=5] [E=2] */
#include "ksmlib.h"
#include <dirent.h>
static pid_t ksmd_pid(void) {
	DIR *d = opendir("/proc"); struct dirent *e; pid_t r = -1; char p[300], c[64];
	while ((e = readdir(d))) { if (e->d_name[0] < '0' || e->d_name[0] > '9') continue; snprintf(p, sizeof p, "/proc/%s/comm", e->d_name);
		FILE *f = fopen(p, "r"); if (!f) continue; if (fgets(c, sizeof c, f) && !strcmp(c, "ksmd\n")) r = atoi(e->d_name); fclose(f); if (r > 0) break; }
	closedir(d); return r;
}
static long long ksmd_cpu(pid_t k) { char p[64]; snprintf(p, sizeof p, "/proc/%d/schedstat", k); FILE *f = fopen(p, "r"); long long v = -1; if (f) { if (fscanf(f, "%lld", &v) != 1) v = -1; fclose(f); } return v; }
int main(int argc, char **argv) {
	long N = argc > 1 ? atol(argv[1]) : 65536, C = argc > 2 ? atol(argv[2]) : 16, R = argc > 3 ? atol(argv[3]) : 5, E = argc > 4 ? atol(argv[4]) : 2;
	long pts = kget("pages_to_scan"), slp = kget("sleep_millisecs");
	pid_t k = ksmd_pid();
	printf("N=%ld C=%ld runs=%ld pages_to_scan=%ld sleep_millisecs=%ld ksmd_pid=%d\n", N, C, R, pts, slp, k);
	for (long r = 1; r <= R; r++) {
		kset("run", 2);
		while (kget("pages_shared") || kget("ksm_zero_pages")) usleep(1000);
		char *a = amap(0, N, 0);
		fill_range(a, N, C, 20 + r);
		if (madvise(a, N * PG, MADV_MERGEABLE)) die("madvise");
		long long c0 = ksmd_cpu(k); long fs0 = kget("full_scans"), sc0 = kget("pages_scanned");
		double t0 = now_s();
		kset("run", 1);
		double tpass[64]; long long cpass[64]; long spass[64]; int np = 0; long lastfs = fs0; double tconv = -1; long long cconv = 0; long fsconv = 0;
		for (;;) {
			long fs = kget("full_scans");
			if (fs != lastfs) { for (long i = lastfs; i < fs && np < 64; i++) { tpass[np] = now_s() - t0; cpass[np] = ksmd_cpu(k) - c0; spass[np] = kget("pages_scanned") - sc0; np++; } lastfs = fs; }
			if (tconv < 0 && kget("pages_shared") + kget("pages_sharing") == N) { tconv = now_s() - t0; cconv = ksmd_cpu(k) - c0; fsconv = fs - fs0; }
			if (tconv >= 0 && lastfs - fs0 >= fsconv + E) break;
			if (now_s() - t0 > 300) { printf("TIMEOUT\n"); break; }
			usleep(1000);
		}
		printf("RUN %ld: converged_after_s=%.3f full_scans_at_convergence=%ld (the scan in progress counts as not finished) ksmd_cpu_to_convergence_s=%.3f cpu_share=%.2f pages_scanned_delta=%ld\n",
		       r, tconv, fsconv, cconv / 1e9, tconv > 0 ? cconv / 1e9 / tconv : 0, kget("pages_scanned") - sc0);
		printf("  pass end times (s since run=1) and ksmd cpu (s):");
		for (int i = 0; i < np; i++) printf(" [%d] %.3f/%.3f", i + 1, tpass[i], cpass[i] / 1e9);
		printf("\n  pass durations (s) / cpu per pass (s):");
		for (int i = 0; i < np; i++) printf(" %.3f/%.3f", tpass[i] - (i ? tpass[i - 1] : 0), (cpass[i] - (i ? cpass[i - 1] : 0)) / 1e9);
		printf("\n  pages_scanned per pass:");
		for (int i = 0; i < np; i++) printf(" %ld", spass[i] - (i ? spass[i - 1] : 0));
		printf("\n  final: shared=%ld sharing=%ld unshared=%ld volatile=%ld chains=%ld dups=%ld\n", kget("pages_shared"), kget("pages_sharing"), kget("pages_unshared"), kget("pages_volatile"), kget("stable_node_chains"), kget("stable_node_dups"));
		fflush(stdout);
		munmap(a, N * PG);
	}
	return 0;
}
