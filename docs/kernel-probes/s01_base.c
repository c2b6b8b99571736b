/* s01_base.c — item 1 baseline: N pages, C distinct contents, one process, MADV_MERGEABLE; counters after each full scan until stable.
 * Build: gcc -O2 -Wall -o s01_base s01_base.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh [smart_scan=0] -- ./s01_base [N=1000] [C=10] */
#include "ksmlib.h"
int main(int argc, char **argv) {
	long N = argc > 1 ? atol(argv[1]) : 1000, C = argc > 2 ? atol(argv[2]) : 10;
	start_run();
	char *a = amap(0, N, 0);
	fill_range(a, N, C, 1);
	addproc("p", getpid(), (unsigned long)a, (unsigned long)a + N * PG);
	printf("N=%ld C=%ld smart_scan=%ld pages_to_scan=%ld sleep_ms=%ld\n", N, C, kget("smart_scan"), kget("pages_to_scan"), kget("sleep_millisecs"));
	report("filled,before-madvise");
	if (madvise(a, N * PG, MADV_MERGEABLE)) die("madvise");
	report("after-MADV_MERGEABLE");
	kset("run", 1);
	report("run=1");
	scans("base", 8, 40);
	print_maps_range(getpid(), (unsigned long)a, (unsigned long)a + N * PG);
	return 0;
}
