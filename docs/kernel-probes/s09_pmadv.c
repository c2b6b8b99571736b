/* s09_pmadv.c — item 9: process_madvise(pidfd, iov, advice) (syscall 440, pidfd_open 434) with MADV_MERGEABLE / MADV_UNMERGEABLE / MADV_COLD / MADV_PAGEOUT / MADV_DONTNEED on another process and on itself; return value, errno, VmFlags.
 * Build: gcc -O2 -Wall -o s09_pmadv s09_pmadv.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh -- ./s09_pmadv */
#include "ksmlib.h"
#include <sys/uio.h>
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
static long pmadv(int pidfd, void *a, size_t len, int adv) { struct iovec v = { a, len }; return syscall(440, pidfd, &v, 1, adv, 0); }
static void try(const char *who, int pidfd, pid_t pid, char *a, long n, int adv, const char *name) {
	errno = 0; long r = pmadv(pidfd, a, n * PG, adv); int e = errno;
	char fl[256]; vmflags(pid, (unsigned long)a, fl, sizeof fl);
	printf("  %-8s process_madvise(%s) = %ld errno=%d (%s) -> VmFlags: %s\n", who, name, r, r < 0 ? e : 0, r < 0 ? strerror(e) : "-", fl);
}
int main(void) {
	long n = 16; int p[2]; if (pipe(p)) die("pipe");
	int q[2]; if (pipe(q)) die("pipe");
	pid_t c = fork();
	if (c == 0) { char *a = amap(0, n, 0); fill_range(a, n, 2, 12); if (write(p[1], &a, sizeof a) != sizeof a) _exit(1); char x; if (read(q[0], &x, 1) < 0) _exit(1); _exit(0); }
	char *a; if (read(p[0], &a, sizeof a) != sizeof a) die("read");
	int pidfd = syscall(434, c, 0); if (pidfd < 0) die("pidfd_open");
	printf("kernel: process_madvise on another process (child pid %d), range of %ld pages\n", c, n);
	try("other", pidfd, c, a, n, MADV_MERGEABLE, "MADV_MERGEABLE");
	try("other", pidfd, c, a, n, MADV_UNMERGEABLE, "MADV_UNMERGEABLE");
	try("other", pidfd, c, a, n, MADV_DONTNEED, "MADV_DONTNEED");
	try("other", pidfd, c, a, n, MADV_COLD, "MADV_COLD");
	try("other", pidfd, c, a, n, MADV_PAGEOUT, "MADV_PAGEOUT");
	if (write(q[1], "x", 1) != 1)
		die("w");
	waitpid(c, NULL, 0);
	char *s = amap(0, n, 0); fill_range(s, n, 2, 13);
	int self = syscall(434, getpid(), 0); if (self < 0) die("pidfd_open self");
	printf("self: process_madvise on own pidfd\n");
	try("self", self, getpid(), s, n, MADV_MERGEABLE, "MADV_MERGEABLE");
	try("self", self, getpid(), s, n, MADV_UNMERGEABLE, "MADV_UNMERGEABLE");
	try("self", self, getpid(), s, n, MADV_COLD, "MADV_COLD");
	return 0;
}
