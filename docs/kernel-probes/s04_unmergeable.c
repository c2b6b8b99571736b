/* s04_unmergeable.c — item 4: MADV_UNMERGEABLE on the second half of a converged merged range, later MADV_MERGEABLE again; counters (ksmd paused at each call), VMAs, frames, scans.
 * Build: gcc -O2 -Wall -o s04_unmergeable s04_unmergeable.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh pages_to_scan=4000 [smart_scan=0] -- ./s04_unmergeable [N=1000] [C=10] [quick]
 * quick: MADV_MERGEABLE is issued right after MADV_UNMERGEABLE while ksmd is still paused (no ksmd visit in between). */
#include "ksmlib.h"
int main(int argc, char **argv) {
	long N = argc > 1 ? atol(argv[1]) : 1000, C = argc > 2 ? atol(argv[2]) : 10, H = N / 2;
	int quick = argc > 3 && !strcmp(argv[3], "quick");
	start_run();
	unsigned long w = reserve_window(2 * N);
	char *a = amap(w + (N / 2) * PG, N, 1);   /* free space on both sides inside the window */
	fill_range(a, N, C, 4);
	pid_t me = getpid(); addproc("p", me, w, w + 2 * N * PG);
	printf("N=%ld C=%ld half=[%ld,%ld) smart_scan=%ld pages_to_scan=%ld\n", N, C, H, N, kget("smart_scan"), kget("pages_to_scan"));
	if (madvise(a, N * PG, MADV_MERGEABLE)) die("madvise");
	kset("run", 1);
	scans("converge", 4, 30);
	ksmd_pause(); report("paused,before-UNMERGEABLE");
	if (madvise(a + H * PG, (N - H) * PG, MADV_UNMERGEABLE)) die("unmergeable");
	report("paused,after-UNMERGEABLE"); print_maps_range(me, w, w + 2 * N * PG);
	frames("first-half", me, (unsigned long)a, H); frames("second-half", me, (unsigned long)a + H * PG, N - H);
	if (!quick) {
		ksmd_resume(); scans("unmerged", 5, 12);
		frames("second-half", me, (unsigned long)a + H * PG, N - H);
		ksmd_pause(); report("paused,before-MERGEABLE");
	}
	if (madvise(a + H * PG, (N - H) * PG, MADV_MERGEABLE)) die("mergeable");
	report("paused,after-MERGEABLE"); print_maps_range(me, w, w + 2 * N * PG);
	ksmd_resume(); scans("remerge", 4, 40);
	frames("second-half", me, (unsigned long)a + H * PG, N - H);
	print_maps_range(me, w, w + 2 * N * PG);
	return 0;
}
