/* s12_selftest_ports.c — ports (not the upstream binaries) of two selftests that cannot run here as-is:
 *   merge.c TEST_F(merge, ksm_merge): VMA-merge assertions with/without PR_SET_MEMORY_MERGE (upstream uses PROCMAP_QUERY; here /proc/self/maps).
 *   rmap.c TEST_F(migrate, ksm_and_mremap): the part before move_pages() (the fixture SKIPs on <2 NUMA nodes): 32 pages of 0x77, mremap the
 *   second half over the first, MADV_MERGEABLE, ksm_start() (= run=1 + wait 2 full scans), twice; assert all 16 pages map one PFN.
 * Build: gcc -O2 -Wall -o s12_selftest_ports s12_selftest_ports.c ; Run: flock /run/lock/ksmlab-ksm.lock ./ksmwrap.sh -- ./s12_selftest_ports */
#include "ksmlib.h"
static int fails;
#define CHECK(c, ...) do { int _ok = !!(c); printf("  %s: ", _ok ? "PASS" : "FAIL"); printf(__VA_ARGS__); printf("\n"); if (!_ok) fails++; } while (0)
static int vma_span(void *addr, unsigned long *s, unsigned long *e) {
	FILE *f = fopen("/proc/self/maps", "r"); char l[512];
	while (fgets(l, sizeof l, f)) { unsigned long a, b; sscanf(l, "%lx-%lx", &a, &b); if ((unsigned long)addr >= a && (unsigned long)addr < b) { *s = a; *e = b; fclose(f); return 1; } }
	fclose(f); return 0;
}
static void ksm_start2(void) { long b = kget("full_scans"); kset("run", 1); wait_full(b, 2, 60); }
int main(void) {
	unsigned long ps = PG, s, e;
	printf("merge.c ksm_merge (port)\n");
	char *carveout = mmap(NULL, 30 * ps, PROT_NONE, MAP_ANON | MAP_PRIVATE, -1, 0);
	char *ptr = mmap(&carveout[ps], ps, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE | MAP_FIXED, -1, 0);
	char *ptr2 = mmap(&carveout[2 * ps], ps, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE | MAP_FIXED, -1, 0);
	CHECK(vma_span(ptr, &s, &e) && s == (unsigned long)ptr && e == (unsigned long)ptr + 2 * ps, "two adjacent R/W anon mmaps merge into one VMA [%lx,%lx)", s, e);
	munmap(ptr2, ps);
	CHECK(prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0) == 0, "prctl(PR_SET_MEMORY_MERGE,1)");
	ptr2 = mmap(&carveout[2 * ps], ps, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE | MAP_FIXED, -1, 0);
	CHECK(vma_span(ptr, &s, &e) && s == (unsigned long)ptr && e == (unsigned long)ptr + 2 * ps, "under merge-any, a new adjacent mmap merges with the VM_MERGEABLE VMA [%lx,%lx)", s, e);
	munmap(ptr, 2 * ps);
	ptr = mmap(&carveout[ps], ps, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE | MAP_FIXED, -1, 0);
	ptr2 = mmap(&carveout[2 * ps], ps, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE | MAP_FIXED, -1, 0);
	CHECK(vma_span(ptr, &s, &e) && s == (unsigned long)ptr && e == (unsigned long)ptr + 2 * ps, "under merge-any, two fresh adjacent mmaps merge [%lx,%lx)", s, e);
	prctl(PR_SET_MEMORY_MERGE, 0, 0, 0, 0);
	munmap(carveout, 30 * ps);

	printf("rmap.c ksm_and_mremap (port, part before move_pages)\n");
	kset("run", 2);
	const int nr = 16; size_t sz = 2 * nr * ps;
	char *region = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	memset(region, 0x77, sz);
	sz /= 2;
	char *mr = mremap(region + sz, sz, sz, MREMAP_MAYMOVE | MREMAP_FIXED, region);
	CHECK(mr == region, "mremap of the second half over the first returns the first half's address");
	madvise(region, sz, MADV_MERGEABLE);
	ksm_start2();
	uint64_t p0 = pfn_of(getpid(), (unsigned long)region);
	ksm_start2();
	int same = 1; for (int i = 0; i < nr; i++) if (pfn_of(getpid(), (unsigned long)region + i * ps) != p0) same = 0;
	CHECK(p0 && same, "all %d pages map the same (KSM) PFN 0x%lx", nr, (unsigned long)p0);
	printf("  (not run here: move_pages() to a second NUMA node and re-check — this machine has 1 node; upstream fixture SKIPs)\n");
	printf("RESULT fails=%d\n", fails);
	return fails != 0;
}
