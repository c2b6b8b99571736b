/*
 * page_primitives.c: the C reference for the simulator's page primitives (the JMH micro suite's
 * PageCompareBenchmark, PageChecksumBenchmark and MemoryBandwidthBenchmark), measured the same
 * way: ns per 4096-byte page, hot (32 pages, in L2) and cold (a pool of COLD_MIB MiB, far beyond
 * the last-level cache), each visited in a seeded random permutation and in address order.
 * Compares: memcmp of two equal pages, of pages differing at byte 64 ("early") and at byte 4095
 * ("late"). Hashes: XXH64 (the kernel's calc_checksum) and XXH3_64bits of one page, from the
 * xxHash header (Debian's libxxhash-dev) compiled inline for this CPU; without the header the
 * hashes are left out and the output says "xxhash": false. Streaming read: the sum of every
 * 8-byte word of a STREAM_MIB MiB buffer, in address order, given per 4096-byte page.
 *
 * Each figure: ROUNDS measured rounds after WARMUP rounds, each at least ROUND_MS of ops (cold: whole
 * passes over the pool), timed with CLOCK_MONOTONIC after a warm-up of the CPU (three rounds long). The visiting order uses splitmix64 from SEED,
 * not the Java benchmarks' SplittableRandom: the same kind of order, not the same sequence.
 * Output: one JSON object on stdout ("ksmlab-c-reference/1"), every round's ns per page.
 *
 * Build: cc -O3 -march=native [-DHAVE_XXHASH] -o page_primitives page_primitives.c
 * Run:   ./page_primitives COLD_MIB STREAM_MIB SEED [ROUND_MS]   (ROUND_MS: a round's least length, 100)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#ifdef HAVE_XXHASH
#define XXH_INLINE_ALL /* the header's own code, compiled for this CPU (-march=native: AVX2 or AVX-512 for XXH3) */
#include <xxhash.h>
#endif

#define PAGE 4096
#define HOT_PAGES 32
#define HOT_BATCH 4096
static double round_ns_min = 100e6; /* a round lasts at least this long: ROUND_MS, 100 ms by default */
#define EARLY_BYTE 64
#define LATE_BYTE (PAGE - 1)
#define WARMUP 2
#define ROUNDS 6

static uint64_t state;
static uint64_t splitmix64(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1e9 + (double) t.tv_nsec;
}

static unsigned char *map_bytes(size_t n) {
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); exit(3); }
    return p;
}

/*
 * A pool laid out as the Java benchmarks lay theirs (MicroPagePool): `pages` random pages in one
 * mapping; for the compares, the first half holds the first page of every pair and the second
 * half its copy (pair i: pages i and pairs + i, far apart); the checksums visit every page.
 * Hot: 32 pages (16 pairs); cold: the largest power of two of pages that fits COLD_MIB MiB.
 */
struct pool { unsigned char *mem; size_t pages; };

static size_t pow2_floor(size_t n) { size_t p = 1; while (p * 2 <= n) p *= 2; return p; }

static void fill_pool(struct pool *p, size_t pages) {
    p->pages = pages;
    p->mem = map_bytes(pages * PAGE);
    for (size_t i = 0; i < pages * PAGE / 8; i++) ((uint64_t *) p->mem)[i] = splitmix64();
    size_t pairs = pages / 2;
    for (size_t i = 0; i < pairs; i++) memcpy(p->mem + (pairs + i) * PAGE, p->mem + i * PAGE, PAGE);
}

/* Sets (on) or clears (off) a difference at byte `diff` of the second page of every pair. */
static void set_difference(struct pool *p, int diff, int on) {
    size_t pairs = p->pages / 2;
    for (size_t i = 0; i < pairs; i++) p->mem[(pairs + i) * PAGE + diff] = (unsigned char) (p->mem[i * PAGE + diff] ^ (on ? 0x5A : 0));
}

/* The visiting order of n entries: address order, or a seeded Fisher-Yates permutation. */
static uint32_t *make_order(size_t n, int permuted) {
    uint32_t *o = malloc(n * sizeof(uint32_t));
    if (!o) { perror("malloc"); exit(3); }
    for (size_t i = 0; i < n; i++) o[i] = (uint32_t) i;
    if (permuted) {
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = splitmix64() % (i + 1);
            uint32_t t = o[i]; o[i] = o[j]; o[j] = t;
        }
    }
    return o;
}

static volatile uint64_t sink;

enum op { MEMCMP, XXH64_OP, XXH3_OP };

/*
 * One round: batches of `batch` ops until ROUND_MS have passed, the k-th op on entry
 * order[k % n] (a pair for memcmp, a page for the hashes); returns ns per op.
 */
static double round_ns(const struct pool *p, enum op op, const uint32_t *order, size_t n, size_t batch) {
    size_t pairs = p->pages / 2;
    uint64_t acc = 0;
    size_t ops = 0;
    double t0 = now_ns(), t1;
    do {
    for (size_t k = ops; k < ops + batch; k++) {
        size_t e = order[k & (n - 1)];
        switch (op) {
            case MEMCMP: acc += (uint64_t) memcmp(p->mem + e * PAGE, p->mem + (pairs + e) * PAGE, PAGE); break;
#ifdef HAVE_XXHASH
            case XXH64_OP: acc += XXH64(p->mem + e * PAGE, PAGE, 0); break;
            case XXH3_OP: acc += XXH3_64bits(p->mem + e * PAGE, PAGE); break;
#else
            default: break;
#endif
        }
    }
    ops += batch;
    t1 = now_ns();
    } while (t1 - t0 < round_ns_min);
    sink += acc;
    return (t1 - t0) / (double) ops;
}

static int first = 1;
static void emit(const char *name, const char *ws, const char *order, const double *ns) {
    printf("%s\n    {\"op\": \"%s\", \"workingSet\": \"%s\", \"order\": \"%s\", \"nsPerPage\": [", first ? "" : ",", name, ws, order);
    for (int i = 0; i < ROUNDS; i++) printf("%s%.3f", i ? ", " : "", ns[i]);
    printf("]}");
    first = 0;
}

static void measure(const struct pool *p, enum op op, const char *name, const char *ws, int permuted) {
    size_t n = op == MEMCMP ? p->pages / 2 : p->pages;
    uint32_t *order = make_order(n, permuted);
    size_t ops = n < HOT_BATCH ? HOT_BATCH : n; /* cold: whole passes over the pool */
    double ns[ROUNDS];
    for (int i = 0; i < WARMUP; i++) round_ns(p, op, order, n, ops);
    for (int i = 0; i < ROUNDS; i++) ns[i] = round_ns(p, op, order, n, ops);
    emit(name, ws, permuted ? "permuted" : "sequential", ns);
    free(order);
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) { fprintf(stderr, "usage: %s COLD_MIB STREAM_MIB SEED [ROUND_MS]\n", argv[0]); return 2; }
    if (argc == 5) round_ns_min = strtod(argv[4], 0) * 1e6;
    size_t cold_mib = strtoul(argv[1], 0, 10), stream_mib = strtoul(argv[2], 0, 10);
    state = strtoull(argv[3], 0, 10);
    printf("{\"format\": \"ksmlab-c-reference/1\", \"xxhash\": %s, \"coldMiB\": %zu, \"streamMiB\": %zu, \"rounds\": %d, \"roundMs\": %.0f, \"results\": [",
#ifdef HAVE_XXHASH
           "true",
#else
           "false",
#endif
           cold_mib, stream_mib, ROUNDS, round_ns_min / 1e6);
    /* warm the CPU up (its clock) for three rounds before the first figure */
    for (double t0 = now_ns(); now_ns() - t0 < 3 * round_ns_min;) sink += splitmix64();
    struct pool hot, cold;
    fill_pool(&hot, HOT_PAGES);
    fill_pool(&cold, pow2_floor(cold_mib * 256 < 2 ? 2 : cold_mib * 256));
    struct { struct pool *p; const char *ws; int permuted; } sets[] = {
        {&hot, "hot", 1}, {&hot, "hot", 0}, {&cold, "cold", 1}, {&cold, "cold", 0}};
    for (int s = 0; s < 4; s++) {
        struct pool *p = sets[s].p;
        measure(p, MEMCMP, "compare/equal", sets[s].ws, sets[s].permuted);
        set_difference(p, EARLY_BYTE, 1);
        measure(p, MEMCMP, "compare/early", sets[s].ws, sets[s].permuted);
        set_difference(p, EARLY_BYTE, 0);
        set_difference(p, LATE_BYTE, 1);
        measure(p, MEMCMP, "compare/late", sets[s].ws, sets[s].permuted);
        set_difference(p, LATE_BYTE, 0);
#ifdef HAVE_XXHASH
        measure(p, XXH64_OP, "checksum/xxh64", sets[s].ws, sets[s].permuted);
        measure(p, XXH3_OP, "checksum/xxh3", sets[s].ws, sets[s].permuted);
#endif
    }
    munmap(cold.mem, cold.pages * PAGE);
    /* streaming read: every word of a buffer, address order; ns per 4096-byte page */
    size_t words = stream_mib * (1u << 20) / 8;
    uint64_t *buf = (uint64_t *) map_bytes(stream_mib << 20);
    for (size_t i = 0; i < words; i++) buf[i] = splitmix64();
    double ns[ROUNDS];
    for (int r = -WARMUP; r < ROUNDS; r++) {
        uint64_t sum = 0;
        double t0 = now_ns();
        for (size_t i = 0; i < words; i++) sum += buf[i];
        double t1 = now_ns();
        sink += sum;
        if (r >= 0) ns[r] = (t1 - t0) / (double) (words * 8 / PAGE);
    }
    emit("streamRead", "", "sequential", ns);
    printf("\n]}\n");
    return 0;
}
