/* ksmlib.h — shared helpers for the kprobe programs (counters, ksm_stat, VMA counts, pagemap, waiting for full scans).
 * Header-only; programs include it. Build each program: gcc -O2 -Wall -o prog prog.c */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdarg.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wformat-truncation"

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#define PR_GET_MEMORY_MERGE 68
#endif
#ifndef MADV_MERGEABLE
#define MADV_MERGEABLE 12
#define MADV_UNMERGEABLE 13
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PG 4096UL
#define KSMDIR "/sys/kernel/mm/ksm/"

static void die(const char *fmt, ...) {
	va_list ap; va_start(ap, fmt); vfprintf(stderr, fmt, ap); va_end(ap);
	fprintf(stderr, " (errno=%d %s)\n", errno, strerror(errno));
	exit(1);
}

static long kget(const char *name) {
	char p[256], b[64]; snprintf(p, sizeof p, KSMDIR "%s", name);
	int fd = open(p, O_RDONLY); if (fd < 0) die("open %s", p);
	int n = read(fd, b, sizeof b - 1); close(fd); if (n < 0) die("read %s", p);
	b[n] = 0; return strtol(b, NULL, 10);
}
static void kset(const char *name, long v) {
	char p[256], b[64]; snprintf(p, sizeof p, KSMDIR "%s", name);
	int fd = open(p, O_WRONLY); if (fd < 0) die("open %s", p);
	int n = snprintf(b, sizeof b, "%ld", v);
	if (write(fd, b, n) != n) die("write %s=%ld", p, v);
	close(fd);
}

static double now_s(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double T0;

/* global counters */
struct gs { long shared, sharing, unshared, volat, scanned, skipped, full, zero, profit, chains, dups; };
static void gsnap(struct gs *g) {
	g->shared = kget("pages_shared"); g->sharing = kget("pages_sharing"); g->unshared = kget("pages_unshared");
	g->volat = kget("pages_volatile"); g->scanned = kget("pages_scanned"); g->skipped = kget("pages_skipped");
	g->full = kget("full_scans"); g->zero = kget("ksm_zero_pages"); g->profit = kget("general_profit");
	g->chains = kget("stable_node_chains"); g->dups = kget("stable_node_dups");
}

/* per-process: /proc/PID/ksm_stat (rmap_items, zero_pages, merging_pages, profit, merge_any, mergeable) */
struct ps { long rmap, zero, merging, profit, merge_any, mergeable, merging_file, vmas, vmas_range, rss_anon_kb, anon_kb; };
static long file_field(const char *path, const char *key) {
	FILE *f = fopen(path, "r"); if (!f) return -1;
	char line[512]; long v = -1; size_t kl = strlen(key);
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, key, kl)) {
			char *p = line + kl; while (*p == ' ' || *p == ':' || *p == '\t') p++;
			if (!strncmp(p, "yes", 3)) v = 1; else if (!strncmp(p, "no", 2)) v = 0; else v = strtol(p, NULL, 10);
			break;
		}
	}
	fclose(f); return v;
}
/* count VMAs of pid; those overlapping [lo,hi) go to *inrange */
static long vma_count(pid_t pid, unsigned long lo, unsigned long hi, long *inrange) {
	char p[64]; snprintf(p, sizeof p, "/proc/%d/maps", pid);
	FILE *f = fopen(p, "r"); if (!f) { *inrange = -1; return -1; }
	char line[1024]; long n = 0, r = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e; if (sscanf(line, "%lx-%lx", &s, &e) != 2) continue;
		n++; if (s < hi && e > lo) r++;
	}
	fclose(f); *inrange = r; return n;
}
static void psnap(pid_t pid, unsigned long lo, unsigned long hi, struct ps *s) {
	char p[64];
	snprintf(p, sizeof p, "/proc/%d/ksm_stat", pid);
	s->rmap = file_field(p, "ksm_rmap_items"); s->zero = file_field(p, "ksm_zero_pages");
	s->merging = file_field(p, "ksm_merging_pages"); s->profit = file_field(p, "ksm_process_profit");
	s->merge_any = file_field(p, "ksm_merge_any"); s->mergeable = file_field(p, "ksm_mergeable");
	snprintf(p, sizeof p, "/proc/%d/ksm_merging_pages", pid);
	{ FILE *f = fopen(p, "r"); s->merging_file = -1; if (f) { if (fscanf(f, "%ld", &s->merging_file) != 1) s->merging_file = -1; fclose(f); } }
	s->vmas = vma_count(pid, lo, hi, &s->vmas_range);
	snprintf(p, sizeof p, "/proc/%d/status", pid); s->rss_anon_kb = file_field(p, "RssAnon");
	snprintf(p, sizeof p, "/proc/%d/smaps_rollup", pid); s->anon_kb = file_field(p, "Anonymous");
}

#define MAXP 8
struct proc { const char *name; pid_t pid; unsigned long lo, hi; };
static struct proc P[MAXP]; static int NP;
static void addproc(const char *name, pid_t pid, unsigned long lo, unsigned long hi) { P[NP].name = name; P[NP].pid = pid; P[NP].lo = lo; P[NP].hi = hi; NP++; }
static void setrange(int i, unsigned long lo, unsigned long hi) { P[i].lo = lo; P[i].hi = hi; }

static int HDR_DONE;
static void report(const char *label) {
	struct gs g; gsnap(&g);
	if (!HDR_DONE) {
		printf("# cols: t_s label | full_scans pages_scanned /proc/vmstat:nr_anon_pages(system-wide, noisy) | shared sharing unshared volatile skipped zero profit chains dups || per proc: name:rmap_items,zero,merging(ksm_merging_pages file),profit,merge_any,mergeable,VMAs(range/all),RssAnon_kB,Anonymous_kB\n");
		HDR_DONE = 1;
	}
	long vmanon = -1; { FILE *f = fopen("/proc/vmstat", "r"); char l[128]; while (f && fgets(l, sizeof l, f)) if (!strncmp(l, "nr_anon_pages ", 14)) vmanon = atol(l + 14); if (f) fclose(f); }
	printf("%7.3f %-28s | fs=%ld sc=%ld sys_nr_anon=%ld | sh=%ld sing=%ld unsh=%ld vol=%ld skip=%ld zero=%ld prof=%ld ch=%ld dup=%ld ||",
	       now_s() - T0, label, g.full, g.scanned, vmanon, g.shared, g.sharing, g.unshared, g.volat, g.skipped, g.zero, g.profit, g.chains, g.dups);
	for (int i = 0; i < NP; i++) {
		if (P[i].pid <= 0) continue;
		struct ps s; psnap(P[i].pid, P[i].lo, P[i].hi, &s);
		if (s.vmas < 0) { printf(" %s:gone", P[i].name); continue; }
		printf(" %s:rm=%ld,z=%ld,mg=%ld(%ld),pr=%ld,ma=%ld,mgb=%ld,vma=%ld/%ld,rss=%ld,anon=%ld", P[i].name, s.rmap, s.zero, s.merging, s.merging_file,
		       s.profit, s.merge_any, s.mergeable, s.vmas_range, s.vmas, s.rss_anon_kb, s.anon_kb);
	}
	printf("\n"); fflush(stdout);
}

/* wait until full_scans increased by k since 'base'; poll every 500us. returns new full_scans, -1 on timeout */
static long wait_full(long base, long k, double timeout) {
	double t = now_s();
	for (;;) {
		long f = kget("full_scans");
		if (f >= base + k) return f;
		if (now_s() - t > timeout) return -1;
		usleep(500);
	}
}
static uint64_t pfn_of(pid_t pid, unsigned long va);
/* report after each following full scan (labels carry the real full_scans delta), until counters are unchanged
   for 2 consecutive scans and at least 'minn' scans passed, at most 'maxn' scans */
static int scans(const char *tag, int minn, int maxn) {
	long base = kget("full_scans");
	long prev_sh = -1, prev_sing = -1, prev_un = -1, prev_z = -1; int same = 0; long d = 0;
	for (;;) {
		long f = wait_full(base, d + 1, 60);
		if (f < 0) { printf("TIMEOUT waiting for full scan\n"); return -1; }
		d = f - base;
		char lab[64]; snprintf(lab, sizeof lab, "%s+scan%ld", tag, d);
		report(lab);
		struct gs g; gsnap(&g);
		if (g.shared == prev_sh && g.sharing == prev_sing && g.unshared == prev_un && g.zero == prev_z) same++; else same = 0;
		prev_sh = g.shared; prev_sing = g.sharing; prev_un = g.unshared; prev_z = g.zero;
		if ((d >= minn && same >= 2) || d >= maxn) break;
	}
	return (int)d;
}
static uint64_t kpf(uint64_t pfn) {
	int fd = open("/proc/kpageflags", O_RDONLY); if (fd < 0) return 0;
	uint64_t f = 0; if (pread(fd, &f, 8, pfn * 8) != 8) f = 0; close(fd); return f;
}
/* frames of [addr, addr+n pages) in pid: present, KSM-flagged, zero-page, distinct pfns */
static void frames(const char *tag, pid_t pid, unsigned long addr, long n) {
	long present = 0, ksm = 0, zero = 0, distinct = 0; static uint64_t seen[1 << 16]; long ns = 0;
	for (long i = 0; i < n; i++) {
		uint64_t pfn = pfn_of(pid, addr + i * PG); if (!pfn) continue; present++;
		uint64_t f = kpf(pfn); if ((f >> 21) & 1) ksm++; if ((f >> 24) & 1) zero++;
		int found = 0; for (long j = 0; j < ns; j++) if (seen[j] == pfn) { found = 1; break; }
		if (!found && ns < (1 << 16)) { seen[ns++] = pfn; distinct++; }
	}
	printf("    frames %s [%lx,+%ldp): present=%ld ksm=%ld zeropage=%ld distinct_pfns=%ld\n", tag, addr, n, present, ksm, zero, distinct);
}

/* pause / resume ksmd (run=0 keeps merged pages and scan cursor) */
static void ksmd_pause(void) { kset("run", 0); usleep(30000); }
static void ksmd_resume(void) { kset("run", 1); }

/* fill page with a repeated 64-bit content id */
static void fill(char *p, uint64_t id) { uint64_t *q = (uint64_t *)p; for (size_t i = 0; i < PG / 8; i++) q[i] = id; }
static void fill_range(char *base, long npages, long ncontents, uint64_t salt) {
	for (long i = 0; i < npages; i++) fill(base + i * PG, ncontents > 0 ? (salt << 32) + 1 + (i % ncontents) : (salt << 32) + 1 + i);
}

static uint64_t pagemap_entry(pid_t pid, unsigned long va) {
	char p[64]; snprintf(p, sizeof p, "/proc/%d/pagemap", pid);
	int fd = open(p, O_RDONLY); if (fd < 0) die("open pagemap");
	uint64_t e = 0; if (pread(fd, &e, 8, (va / PG) * 8) != 8) die("pread pagemap");
	close(fd); return e;
}
static uint64_t pfn_of(pid_t pid, unsigned long va) { uint64_t e = pagemap_entry(pid, va); return (e >> 63) & 1 ? (e & ((1ULL << 55) - 1)) : 0; }

static void vmflags(pid_t pid, unsigned long addr, char *out, size_t outsz) {
	char p[64]; snprintf(p, sizeof p, "/proc/%d/smaps", pid);
	FILE *f = fopen(p, "r"); out[0] = 0; if (!f) return;
	char line[1024]; int in = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e; char c;
		if (sscanf(line, "%lx-%lx %c", &s, &e, &c) == 3 && strchr(line, '-') && line[0] != 'V') in = (addr >= s && addr < e);
		else if (in && !strncmp(line, "VmFlags:", 8)) { snprintf(out, outsz, "%s", line + 9); out[strcspn(out, "\n")] = 0; break; }
	}
	fclose(f);
}
static void print_maps_range(pid_t pid, unsigned long lo, unsigned long hi) {
	char p[64]; snprintf(p, sizeof p, "/proc/%d/maps", pid);
	FILE *f = fopen(p, "r"); if (!f) return; char line[1024];
	while (fgets(line, sizeof line, f)) { unsigned long s, e; if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s < hi && e > lo) { char fl[256]; vmflags(pid, s, fl, sizeof fl); line[strcspn(line, "\n")] = 0; printf("    maps: %s  [%lu pages] VmFlags: %s\n", line, (e - s) / PG, fl); } }
	fclose(f);
}

/* map an anonymous region with MADV_NOHUGEPAGE; optionally at a hint with FIXED_NOREPLACE */
static char *amap(unsigned long hint, long npages, int fixed_noreplace) {
	int fl = MAP_PRIVATE | MAP_ANONYMOUS | (fixed_noreplace ? MAP_FIXED_NOREPLACE : 0);
	char *p = mmap((void *)hint, npages * PG, PROT_READ | PROT_WRITE, fl, -1, 0);
	if (p == MAP_FAILED) die("mmap");
	if (madvise(p, npages * PG, MADV_NOHUGEPAGE)) die("MADV_NOHUGEPAGE");
	return p;
}
/* reserve a large free VA window so later hinted mappings are guaranteed free */
static unsigned long reserve_window(long npages) {
	char *p = mmap(NULL, npages * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		die("reserve");
	munmap(p, npages * PG);
	return (unsigned long)p;
}
static void start_run(void) { T0 = now_s(); }
