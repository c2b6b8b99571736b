/* s10_twice.c — item 10: can one anonymous private page be mapped at two addresses of one mm?
 * mremap(old, 0, size, MREMAP_MAYMOVE) on private and on shared anonymous memory; MREMAP_DONTUNMAP; MADV_MERGEABLE on MAP_SHARED|MAP_ANONYMOUS; PFNs via pagemap.
 * Build: gcc -O2 -Wall -o s10_twice s10_twice.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh -- ./s10_twice */
#include "ksmlib.h"
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
int main(void) {
	pid_t me = getpid(); long n = 4;
	char *a = amap(0, n, 0); fill_range(a, n, 0, 14);
	errno = 0; void *r = mremap(a, 0, n * PG, MREMAP_MAYMOVE);
	printf("private anon: mremap(old, 0, %ld pages, MREMAP_MAYMOVE) = %p errno=%d (%s)\n", n, r, r == MAP_FAILED ? errno : 0, r == MAP_FAILED ? strerror(errno) : "-");
	char *s = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0); fill_range(s, n, 0, 15);
	errno = 0; char *s2 = mremap(s, 0, n * PG, MREMAP_MAYMOVE);
	printf("shared anon: mremap(old, 0, %ld pages, MREMAP_MAYMOVE) = %p errno=%d\n", n, s2, s2 == MAP_FAILED ? errno : 0);
	if (s2 != MAP_FAILED) { printf("  pfn(old page0)=0x%lx pfn(new page0)=0x%lx ; write via new visible via old: ", (unsigned long)pfn_of(me, (unsigned long)s), (unsigned long)pfn_of(me, (unsigned long)s2)); s2[0] = 0x5a; printf("%s\n", s[0] == 0x5a ? "yes" : "no"); }
	int rm = madvise(s, n * PG, MADV_MERGEABLE); char fl[256]; vmflags(me, (unsigned long)s, fl, sizeof fl);
	printf("shared anon: madvise(MADV_MERGEABLE) = %d ; VmFlags: %s\n", rm, fl);
	uint64_t before = pfn_of(me, (unsigned long)a);
	errno = 0; char *d = mremap(a, n * PG, n * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	printf("private anon: mremap(..., MREMAP_MAYMOVE|MREMAP_DONTUNMAP) = %p errno=%d\n", d, d == MAP_FAILED ? errno : 0);
	if (d != MAP_FAILED) printf("  pfn before=0x%lx ; new addr pfn=0x%lx ; old addr still mapped VMA, pagemap present=%d (pfn 0x%lx)\n", (unsigned long)before, (unsigned long)pfn_of(me, (unsigned long)d), (int)(pagemap_entry(me, (unsigned long)a) >> 63), (unsigned long)pfn_of(me, (unsigned long)a));
	return 0;
}
