/* s07_exit.c — item 7: two independent processes (A, B) with the same N pages of C contents, both MADV_MERGEABLE; after convergence A exits. Counters at once (ksmd paused) and per scan.
 * Build: gcc -O2 -Wall -o s07_exit s07_exit.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh pages_to_scan=4000 -- ./s07_exit [N=1000] [C=10] [Bunique=0]
 * Bunique=1: B holds N unique pages except the first C pages (so A's exit leaves most KSM pages with a single mapper). */
#include "ksmlib.h"
struct w { pid_t pid; int cmd, ack; unsigned long addr; };
static struct w worker(long N, long C, int uniq) {
	int c[2], k[2]; if (pipe(c) || pipe(k)) die("pipe");
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		char *a = amap(0, N, 0);
		if (uniq) { fill_range(a, N, 0, 77); fill_range(a, C, C, 7); } else fill_range(a, N, C, 7);
		if (madvise(a, N * PG, MADV_MERGEABLE)) _exit(2);
		if (write(k[1], &a, sizeof a) != sizeof a) _exit(1);
		char x; if (read(c[0], &x, 1) != 1) _exit(1);
		_exit(0);
	}
	struct w r = { p, c[1], k[0], 0 };
	if (read(k[0], &r.addr, sizeof r.addr) != sizeof r.addr) die("worker");
	return r;
}
int main(int argc, char **argv) {
	long N = argc > 1 ? atol(argv[1]) : 1000, C = argc > 2 ? atol(argv[2]) : 10; int bu = argc > 3 ? atoi(argv[3]) : 0;
	start_run();
	struct w A = worker(N, C, 0), B = worker(N, C, bu);
	addproc("A", A.pid, A.addr, A.addr + N * PG); addproc("B", B.pid, B.addr, B.addr + N * PG);
	printf("N=%ld C=%ld Bunique=%d smart_scan=%ld pages_to_scan=%ld\n", N, C, bu, kget("smart_scan"), kget("pages_to_scan"));
	kset("run", 1);
	scans("converge", 4, 30);
	ksmd_pause(); report("paused,before-A-exit");
	if (write(A.cmd, "x", 1) != 1) die("cmd");
	waitpid(A.pid, NULL, 0);
	report("paused,after-A-exit(reaped)");
	ksmd_resume(); scans("Aexit", 5, 20);
	frames("B", B.pid, B.addr, N);
	if (write(B.cmd, "x", 1) != 1) die("cmd");
	waitpid(B.pid, NULL, 0);
	report("after-B-exit(not paused)");
	scans("Bexit", 3, 10);
	return 0;
}
