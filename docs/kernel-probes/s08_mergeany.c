/* s08_mergeany.c — item 8: prctl(PR_SET_MEMORY_MERGE). Subtests:
 *   a M [touch] : 8 adjacent anonymous mmaps (16 pages each, MAP_FIXED_NOREPLACE, ascending addresses) [+ 8 descending], VMA count, VmFlags; then filled with 10 contents and merged
 *   b M : brk growth by sbrk(16 pages) x 8, heap VMA count; filled + merged
 *   c M : arena: mmap 256-page PROT_NONE reservation, mprotect 16-page chunks RW one after the other (8 chunks), VMA count; filled + merged
 *   d   : merge-any inheritance: PR_GET_MEMORY_MERGE + ksm_stat merge_any in parent, forked child, and after execve of this binary ("helper")
 *   e   : merge-any process, converged range, MADV_UNMERGEABLE on its second half: VmFlags, frames, counters per scan
 *   f   : merge-any process, converged range, then prctl(PR_SET_MEMORY_MERGE,0): VmFlags, frames, counters
 * M = 1: call prctl(PR_SET_MEMORY_MERGE,1) first; 0: not (control). THP: process uses prctl(PR_SET_THP_DISABLE) instead of MADV_NOHUGEPAGE so no madvise() call can merge VMAs.
 * Build: gcc -O2 -Wall -o s08_mergeany s08_mergeany.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh pages_to_scan=4000 -- ./s08_mergeany a 1 */
#include "ksmlib.h"
static void gm(const char *who) { printf("  %s: PR_GET_MEMORY_MERGE=%d ksm_stat.ksm_merge_any=%ld ksm_mergeable=%ld\n", who, prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0),
	file_field("/proc/self/ksm_stat", "ksm_merge_any"), file_field("/proc/self/ksm_stat", "ksm_mergeable")); fflush(stdout); }
static void heapmaps(pid_t pid) {
	char p[64]; snprintf(p, sizeof p, "/proc/%d/maps", pid); FILE *f = fopen(p, "r"); char l[512]; int n = 0;
	while (fgets(l, sizeof l, f)) if (strstr(l, "[heap]")) { unsigned long s, e; sscanf(l, "%lx-%lx", &s, &e); char fl[256]; vmflags(pid, s, fl, sizeof fl); l[strcspn(l, "\n")] = 0; printf("    heap: %s [%lu pages] VmFlags: %s\n", l, (e - s) / PG, fl); n++; }
	fclose(f); printf("    heap VMA count = %d\n", n);
}
static void merge_and_report(const char *tag) { kset("run", 1); scans(tag, 4, 20); }
int main(int argc, char **argv) {
	if (argc > 1 && !strcmp(argv[1], "helper")) {   /* after execve */
		gm("after execve");
		char *q = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char fl[256]; vmflags(getpid(), (unsigned long)q, fl, sizeof fl); printf("  after execve: new mmap VmFlags: %s\n", fl);
		return 0;
	}
	const char *t = argc > 1 ? argv[1] : "a"; int M = argc > 2 ? atoi(argv[2]) : 1;
	start_run();
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)) die("THP_DISABLE");
	if (M && prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0)) die("PR_SET_MEMORY_MERGE");
	pid_t me = getpid();
	printf("test=%s merge_any=%d smart_scan=%ld pages_to_scan=%ld\n", t, M, kget("smart_scan"), kget("pages_to_scan"));
	gm("self");
	if (!strcmp(t, "a")) {
		long n = 8, sz = 16; unsigned long w = reserve_window(4 * n * sz);
		addproc("p", me, w, w + 4 * n * sz * PG);
		report("before mmaps");
		int touch = argc > 3 && !strcmp(argv[3], "touch");   /* write each chunk before mapping the next (neighbour has an anon_vma) */
		printf("  touch-between-mmaps=%d\n", touch);
		for (long i = 0; i < n; i++) { char *p = mmap((void *)(w + i * sz * PG), sz * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0); if (p == MAP_FAILED) die("mmap"); if (touch) fill_range(p, sz, 10, 8); long r; vma_count(me, w, w + 4 * n * sz * PG, &r); printf("    after ascending mmap %ld: VMAs in window = %ld\n", i + 1, r); }
		report("after 8 ascending mmaps");
		print_maps_range(me, w, w + n * sz * PG);
		unsigned long w2 = w + 2 * n * sz * PG;   /* descending: highest first */
		for (long i = n - 1; i >= 0; i--) { char *p = mmap((void *)(w2 + i * sz * PG), sz * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0); if (p == MAP_FAILED) die("mmap"); if (touch) fill_range(p, sz, 10, 8); long r; vma_count(me, w2, w2 + n * sz * PG, &r); printf("    after descending mmap %ld: VMAs in 2nd window = %ld\n", n - i, r); }
		report("after 8 descending mmaps");
		print_maps_range(me, w2, w2 + n * sz * PG);
		fill_range((char *)w, n * sz, 10, 8); fill_range((char *)w2, n * sz, 10, 8);
		if (!M) { if (madvise((void *)w, n * sz * PG, MADV_MERGEABLE) || madvise((void *)w2, n * sz * PG, MADV_MERGEABLE)) die("madvise"); report("control: after MADV_MERGEABLE on both"); print_maps_range(me, w, w + 4 * n * sz * PG); }
		merge_and_report("a");
	} else if (!strcmp(t, "b")) {
		char *b0 = sbrk(0);
		addproc("p", me, (unsigned long)b0 - 64 * PG, (unsigned long)b0 + 256 * PG);
		heapmaps(me);
		report("before sbrk");
		for (int i = 0; i < 8; i++) { char *p = sbrk(16 * PG); if (p == (void *)-1) die("sbrk"); fill_range(p, 16, 10, 9); printf("    after sbrk %d:", i + 1); fflush(stdout); heapmaps(me); }
		printf("  sbrk(0) %p -> %p\n", b0, sbrk(0));
		report("after 8 x sbrk(16 pages)");
		heapmaps(me);
		if (!M) { printf("  control: no MADV_MERGEABLE on heap (nothing to merge expected; ksmd not run)\n"); }
		else merge_and_report("b");
	} else if (!strcmp(t, "c")) {
		long tot = 256, ch = 16; char *r = mmap(NULL, tot * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (r == MAP_FAILED) die("reserve");
		addproc("p", me, (unsigned long)r, (unsigned long)r + tot * PG);
		report("after PROT_NONE reservation"); print_maps_range(me, (unsigned long)r, (unsigned long)r + tot * PG);
		for (long i = 0; i < 8; i++) { if (mprotect(r + i * ch * PG, ch * PG, PROT_READ | PROT_WRITE)) die("mprotect"); fill_range(r + i * ch * PG, ch, 10, 10); long v; vma_count(me, (unsigned long)r, (unsigned long)r + tot * PG, &v); printf("    after mprotect chunk %ld: VMAs in reservation = %ld\n", i + 1, v); }
		report("after 8 x mprotect RW (16 pages each)"); print_maps_range(me, (unsigned long)r, (unsigned long)r + tot * PG);
		if (!M) { if (madvise(r, tot * PG, MADV_MERGEABLE)) die("madvise"); report("control: after MADV_MERGEABLE on whole reservation"); print_maps_range(me, (unsigned long)r, (unsigned long)r + tot * PG); }
		merge_and_report("c");
		print_maps_range(me, (unsigned long)r, (unsigned long)r + tot * PG);
	} else if (!strcmp(t, "d")) {
		fflush(stdout);
		pid_t c = fork();
		if (c == 0) { gm("forked child"); char *q = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			char fl[256]; vmflags(getpid(), (unsigned long)q, fl, sizeof fl); printf("  forked child: new mmap VmFlags: %s\n", fl); fflush(stdout);
			execl("/proc/self/exe", argv[0], "helper", (char *)NULL); die("execl"); }
		waitpid(c, NULL, 0);
	} else if (!strcmp(t, "e") || !strcmp(t, "f")) {
		long N = 1000; char *a = mmap(NULL, N * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		fill_range(a, N, 10, 11);
		addproc("p", me, (unsigned long)a, (unsigned long)a + N * PG);
		print_maps_range(me, (unsigned long)a, (unsigned long)a + N * PG);
		if (!M) madvise(a, N * PG, MADV_MERGEABLE);
		kset("run", 1); scans("converge", 4, 20);
		ksmd_pause(); report("paused,before");
		if (!strcmp(t, "e")) { int r = madvise(a + 500 * PG, 500 * PG, MADV_UNMERGEABLE); printf("  MADV_UNMERGEABLE(second half) = %d\n", r); }
		else { int r = prctl(PR_SET_MEMORY_MERGE, 0, 0, 0, 0); printf("  prctl(PR_SET_MEMORY_MERGE,0) = %d\n", r); gm("self after disable"); }
		report("paused,after");
		print_maps_range(me, (unsigned long)a, (unsigned long)a + N * PG);
		frames("first-half", me, (unsigned long)a, 500); frames("second-half", me, (unsigned long)a + 500 * PG, 500);
		ksmd_resume(); scans("after", 6, 12);
		frames("first-half", me, (unsigned long)a, 500); frames("second-half", me, (unsigned long)a + 500 * PG, 500);
		char *q = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char fl[256]; vmflags(me, (unsigned long)q, fl, sizeof fl); printf("  new mmap afterwards VmFlags: %s\n", fl);
	}
	return 0;
}
