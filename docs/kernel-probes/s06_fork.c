/* s06_fork.c — item 6: fork after merge; child's ksm_stat; child writes K pages (COW) with unique or same contents; child exit. Counters at once (ksmd paused) and per scan.
 * Build: gcc -O2 -Wall -o s06_fork s06_fork.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh pages_to_scan=4000 -- ./s06_fork [unique|same] [N=1000] [C=10] [K=100] */
#include "ksmlib.h"
static int cmd[2], ack[2];
static void child_loop(char *a, long C) {
	char c; long k;
	for (;;) {
		if (read(cmd[0], &c, 1) != 1) _exit(1);
		if (c == 'x') _exit(0);
		if (read(cmd[0], &k, sizeof k) != sizeof k) _exit(1);
		if (c == 'u') for (long i = 0; i < k; i++) fill(a + i * PG, 0xC0FFEE000000ULL + i);   /* unique new contents */
		if (c == 's') fill_range(a, k, C, 6);                                             /* same contents as before */
		if (write(ack[1], "k", 1) != 1) _exit(1);
	}
}
int main(int argc, char **argv) {
	const char *mode = argc > 1 ? argv[1] : "unique";
	long N = argc > 2 ? atol(argv[2]) : 1000, C = argc > 3 ? atol(argv[3]) : 10, K = argc > 4 ? atol(argv[4]) : 100;
	start_run();
	char *a = amap(0, N, 0);
	fill_range(a, N, C, 6);
	pid_t me = getpid(); addproc("P", me, (unsigned long)a, (unsigned long)a + N * PG);
	printf("mode=%s N=%ld C=%ld K=%ld smart_scan=%ld pages_to_scan=%ld\n", mode, N, C, K, kget("smart_scan"), kget("pages_to_scan"));
	if (madvise(a, N * PG, MADV_MERGEABLE)) die("madvise");
	kset("run", 1);
	scans("converge", 4, 30);
	if (pipe(cmd) || pipe(ack)) die("pipe");
	ksmd_pause(); report("paused,before-fork");
	fflush(stdout);
	pid_t c = fork();
	if (c < 0) die("fork");
	if (c == 0) child_loop(a, C);
	addproc("C", c, (unsigned long)a, (unsigned long)a + N * PG);
	usleep(20000);
	report("paused,after-fork");
	frames("parent", me, (unsigned long)a, N); frames("child", c, (unsigned long)a, N);
	{ char fl[256]; vmflags(c, (unsigned long)a, fl, sizeof fl); printf("    child VmFlags: %s\n", fl); }
	ksmd_resume(); scans("forked", 5, 12);
	ksmd_pause(); report("paused,before-child-write");
	{ char m = !strcmp(mode, "same") ? 's' : 'u'; char r; if (write(cmd[1], &m, 1) != 1 || write(cmd[1], &K, sizeof K) != sizeof K || read(ack[0], &r, 1) != 1) die("cmd"); }
	report("paused,after-child-write");
	frames("child-written", c, (unsigned long)a, K); frames("parent-same-range", me, (unsigned long)a, K);
	ksmd_resume(); scans("cwrite", 5, 20);
	ksmd_pause(); report("paused,before-child-exit");
	{ char m = 'x'; if (write(cmd[1], &m, 1) != 1) die("cmd"); waitpid(c, NULL, 0); }
	report("paused,after-child-exit(reaped)");
	ksmd_resume(); scans("cexit", 5, 20);
	frames("parent", me, (unsigned long)a, N);
	return 0;
}
