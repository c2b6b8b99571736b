/* s11_smart.c — item 11: smart scan skip schedule. N unique pages MERGEABLE for A full scans (ages grow; per-pass pages_skipped recorded),
 * then (ksmd paused) all rewritten to C duplicate contents; full scans until all merged (pages_sharing == N - C) are counted.
 * Build: gcc -O2 -Wall -o s11_smart s11_smart.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh pages_to_scan=4000 smart_scan={1,0} -- ./s11_smart [A=20] [N=1000] [C=10] */
#include "ksmlib.h"
int main(int argc, char **argv) {
	long A = argc > 1 ? atol(argv[1]) : 20, N = argc > 2 ? atol(argv[2]) : 1000, C = argc > 3 ? atol(argv[3]) : 10;
	start_run();
	char *a = amap(0, N, 0);
	fill_range(a, N, 0, 16);   /* all unique */
	addproc("p", getpid(), (unsigned long)a, (unsigned long)a + N * PG);
	printf("A=%ld N=%ld C=%ld smart_scan=%ld pages_to_scan=%ld sleep_ms=%ld\n", A, N, C, kget("smart_scan"), kget("pages_to_scan"), kget("sleep_millisecs"));
	if (madvise(a, N * PG, MADV_MERGEABLE)) die("madvise");
	long base = kget("full_scans"), sk0 = kget("pages_skipped"), sc0 = kget("pages_scanned");
	kset("run", 1);
	printf("unique phase: pass: scanned_delta skipped_delta unshared volatile\n");
	for (long i = 1; i <= A; i++) {
		if (wait_full(base, i, 30) < 0) die("timeout");
		long sk = kget("pages_skipped"), sc = kget("pages_scanned");
		printf("  u%ld: scanned+%ld skipped+%ld unsh=%ld vol=%ld\n", i, sc - sc0, sk - sk0, kget("pages_unshared"), kget("pages_volatile"));
		sk0 = sk; sc0 = sc;
	}
	ksmd_pause();
	long fs = kget("full_scans");
	printf("paused after %ld unique passes (full_scans=%ld)\n", fs - base, fs);
	fill_range(a, N, C, 17);
	report("paused,after-rewrite-to-dups");
	ksmd_resume();
	base = kget("full_scans");
	long merged_at = -1;
	for (long i = 1; i <= 80; i++) {
		if (wait_full(base, i, 30) < 0) die("timeout");
		long sk = kget("pages_skipped"), sc = kget("pages_scanned"), sing = kget("pages_sharing");
		printf("  r%ld: scanned+%ld skipped+%ld sh=%ld sing=%ld unsh=%ld vol=%ld\n", i, sc - sc0, sk - sk0, kget("pages_shared"), sing, kget("pages_unshared"), kget("pages_volatile"));
		sk0 = sk; sc0 = sc;
		if (sing == N - C && merged_at < 0) merged_at = i;
		if (merged_at > 0 && i >= merged_at + 1) break;
	}
	printf("RESULT A=%ld smart_scan=%ld: fully merged after %ld full scans following the rewrite\n", A, kget("smart_scan"), merged_at);
	return 0;
}
