/* s03_mremap.c — item 3: mremap of a converged merged range: mode all|middle|grow|shrink; counters (ksmd paused during the call), VMAs + VmFlags, frames (pagemap+kpageflags), scans to re-merge.
 * Build: gcc -O2 -Wall -o s03_mremap s03_mremap.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh pages_to_scan=4000 -- ./s03_mremap all|middle|grow|shrink [N=999] [C=9] */
#include "ksmlib.h"
int main(int argc, char **argv) {
	const char *mode = argc > 1 ? argv[1] : "all";
	long N = argc > 2 ? atol(argv[2]) : 999, C = argc > 3 ? atol(argv[3]) : 9;
	start_run();
	unsigned long w = reserve_window(4 * N);
	char *a = amap(w, N, 1);
	fill_range(a, N, C, 3);
	pid_t me = getpid();
	addproc("p", me, w, w + 4 * N * PG);
	printf("mode=%s N=%ld C=%ld window=[%lx,+%ldp) a=%p smart_scan=%ld pages_to_scan=%ld sleep_ms=%ld\n", mode, N, C, w, 4 * N, a, kget("smart_scan"), kget("pages_to_scan"), kget("sleep_millisecs"));
	if (madvise(a, N * PG, MADV_MERGEABLE)) die("madvise");
	kset("run", 1);
	scans("converge", 4, 30);
	ksmd_pause();
	report("paused,before-mremap");
	print_maps_range(me, w, w + 4 * N * PG);
	frames("before", me, (unsigned long)a, N);
	void *r; char *nb = NULL; long nn = N;
	if (!strcmp(mode, "all")) {
		nb = (char *)(w + 2 * N * PG);
		r = mremap(a, N * PG, N * PG, MREMAP_MAYMOVE | MREMAP_FIXED, nb);
	} else if (!strcmp(mode, "middle")) {
		long t = N / 3; nb = (char *)(w + 2 * N * PG); nn = t;
		r = mremap(a + t * PG, t * PG, t * PG, MREMAP_MAYMOVE | MREMAP_FIXED, nb);
	} else if (!strcmp(mode, "grow")) {
		nb = a; nn = 2 * N;
		r = mremap(a, N * PG, 2 * N * PG, 0);
	} else { /* shrink */
		nb = a; nn = N / 2;
		r = mremap(a, N * PG, (N / 2) * PG, 0);
	}
	if (r == MAP_FAILED) die("mremap %s", mode);
	printf("mremap(%s) -> %p\n", mode, r);
	report("paused,after-mremap");
	print_maps_range(me, w, w + 4 * N * PG);
	if (!strcmp(mode, "middle")) { frames("old-left", me, (unsigned long)a, N / 3); frames("moved", me, (unsigned long)nb, nn); frames("old-right", me, (unsigned long)a + 2 * (N / 3) * PG, N - 2 * (N / 3)); }
	else frames("after", me, (unsigned long)nb, nn);
	ksmd_resume();
	scans("after", 4, 30);
	print_maps_range(me, w, w + 4 * N * PG);
	if (!strcmp(mode, "middle")) { frames("old-left", me, (unsigned long)a, N / 3); frames("moved", me, (unsigned long)nb, nn); frames("old-right", me, (unsigned long)a + 2 * (N / 3) * PG, N - 2 * (N / 3)); }
	else frames("after", me, (unsigned long)nb, nn);
	if (!strcmp(mode, "grow")) {
		/* fill the grown part with the same contents: does it merge? */
		ksmd_pause();
		fill_range(a + N * PG, N, C, 3);
		report("paused,after-filling-grown-part");
		print_maps_range(me, w, w + 4 * N * PG);
		ksmd_resume();
		scans("grown-filled", 4, 30);
		frames("grown", me, (unsigned long)a, 2 * N);
	}
	return 0;
}
