/*
 * scenario_runner.c: one process of a ksmlab scenario on the live kernel.
 *
 * kernel-check cannot fork its JVM (a forked JVM is not safe to run), so every scenario
 * process is this small program: the Java side (org.ksmlab.livekernel.scenario.LiveMachine)
 * starts one per spawned process and drives it over a UNIX stream socket with a binary
 * protocol (RunnerProtocol.java is the other half; the constants below must match it). A fork
 * step is a real fork(2) of a runner (the child connects anew and gets its own channel); an exec
 * step is a real execve(2) of /proc/self/exe that keeps the channel's descriptor, so what the
 * kernel carries over exec (merge-any) is carried over as it would be for any program.
 *
 * The program owns as little memory as it can, so that the scenario's memory is all a process
 * has for KSM to see: it is freestanding (no C library: no malloc, no stdio buffers, no TLS, no
 * heap; brk is only the scenario's), its one buffer is a MAP_SHARED memfd (never mergeable, not
 * anonymous), as is its "ceiling" (see make_ceiling), it has no writable globals, and its stack is made unmergeable (MADV_UNMERGEABLE)
 * at start and after every prctl(PR_SET_MEMORY_MERGE, 1), so merge-any reaches only scenario
 * mappings. THP is off for the process (PR_SET_THP_DISABLE: KSM works on 4 KiB pages; a prctl,
 * not MADV_NOHUGEPAGE, so no VMA gets a flag the model's VMAs lack). SIGCHLD is ignored, so
 * forked runners that exit are reaped by the kernel.
 *
 * Build: cc -O2 -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie
 * (RunnerBinary.java compiles it once into a cache folder keyed by this file's hash).
 * x86_64 only (raw system calls).
 *
 * Frames (little endian): a request is 64 bytes, u32 op, u32 0, i64 a[7], then op-specific
 * bytes; a response is 32 bytes, i64 res (>= 0, or -errno), i64 r[3]. Page lists are arrays of
 * fixed-size records after the request (no text line per page).
 */

#if !defined(__x86_64__)
#error "scenario_runner supports x86_64 only"
#endif

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;

/* ------------------------------------------------------------------ protocol (RunnerProtocol.java) */
#define MAGIC 0x4b534d52L /* "KSMR" */
#define VERSION 1
enum {
    OP_HELLO = 1, OP_MMAP = 2, OP_MUNMAP = 3, OP_MREMAP = 4, OP_BRK = 5, OP_MPROTECT = 6, OP_MADVISE = 7,
    OP_PROCESS_MADVISE = 8, OP_PRCTL_MERGE = 9, OP_FORK = 10, OP_EXEC = 11, OP_EXIT = 12, OP_WRITE = 13,
    OP_PATCH = 14, OP_READ = 15, OP_VERIFY = 16, OP_PING = 17
};
#define REC_ZERO 1L      /* record flag in the low bits of a page address: the page is all zeros */
#define REC_PATCHED 2L   /* verify: the record's patch word is at PATCH_OFFSET */
#define PAGE 4096L
#define PATCH_WORD (0x800 / 8)
#define GOLDEN 0x9E3779B97F4A7C15UL
#define BUF_BYTES (1L << 20)

/* ------------------------------------------------------------------ system calls */
#define SYS_read 0
#define SYS_write 1
#define SYS_close 3
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_brk 12
#define SYS_rt_sigaction 13
#define SYS_mremap 25
#define SYS_madvise 28
#define SYS_getpid 39
#define SYS_socket 41
#define SYS_connect 42
#define SYS_clone 56
#define SYS_execve 59
#define SYS_exit_group 231
#define SYS_ftruncate 77
#define SYS_prctl 157
#define SYS_openat 257
#define SYS_memfd_create 319
#define SYS_pidfd_open 434
#define SYS_process_madvise 440

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_RDWR 2
#define O_CLOEXEC 0x80000
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 1
#define MFD_CLOEXEC 1
#define AF_UNIX 1
#define SOCK_STREAM 1
#define SIGCHLD 17
#define SIG_IGN 1
#define MADV_UNMERGEABLE 13
#define PR_SET_THP_DISABLE 41
#define PR_SET_MEMORY_MERGE 67
#define EINVAL 22

static i64 sc6(i64 n, i64 a1, i64 a2, i64 a3, i64 a4, i64 a5, i64 a6) {
    i64 ret;
    register i64 r10 __asm__("r10") = a4;
    register i64 r8 __asm__("r8") = a5;
    register i64 r9 __asm__("r9") = a6;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define sc0(n) sc6(n, 0, 0, 0, 0, 0, 0)
#define sc1(n, a) sc6(n, (i64)(a), 0, 0, 0, 0, 0)
#define sc2(n, a, b) sc6(n, (i64)(a), (i64)(b), 0, 0, 0, 0)
#define sc3(n, a, b, c) sc6(n, (i64)(a), (i64)(b), (i64)(c), 0, 0, 0)
#define sc4(n, a, b, c, d) sc6(n, (i64)(a), (i64)(b), (i64)(c), (i64)(d), 0, 0)
#define sc5(n, a, b, c, d, e) sc6(n, (i64)(a), (i64)(b), (i64)(c), (i64)(d), (i64)(e), 0)

__attribute__((noreturn)) static void die(void) {
    for (;;) sc1(SYS_exit_group, 111);
}

/* The compiler may emit calls to these for struct copies and zeroing. */
void *memset(void *d, int c, u64 n) {
    unsigned char *p = d;
    while (n--) *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, u64 n) {
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) *p++ = *q++;
    return d;
}

static u64 slen(const char *s) {
    u64 n = 0;
    while (s[n]) n++;
    return n;
}

/* One line on stderr (fd 2), unbuffered. */
static void say(const char *a, const char *b) {
    sc3(SYS_write, 2, "scenario-runner: ", 17);
    sc3(SYS_write, 2, a, slen(a));
    if (b) sc3(SYS_write, 2, b, slen(b));
    sc3(SYS_write, 2, "\n", 1);
}

/* ------------------------------------------------------------------ page contents (PageContents.java) */
static u64 mix64(u64 z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

/* ------------------------------------------------------------------ the process's state */
struct state {
    int sock;          /* the command channel */
    unsigned char *buf; /* BUF_BYTES of a MAP_SHARED memfd */
    u64 ceiling;       /* the ceiling's bottom: [ceiling, ceiling_end) is still the runner's */
    u64 ceiling_end;
    char sockpath[108];
};

static void read_full(struct state *s, void *dst, u64 n) {
    unsigned char *p = dst;
    while (n > 0) {
        i64 r = sc3(SYS_read, s->sock, p, n);
        if (r == -4) continue; /* EINTR */
        if (r <= 0) sc1(SYS_exit_group, 0); /* the driver is gone: so are we */
        p += r;
        n -= (u64)r;
    }
}

static void write_full(struct state *s, const void *src, u64 n) {
    const unsigned char *p = src;
    while (n > 0) {
        i64 r = sc3(SYS_write, s->sock, p, n);
        if (r == -4) continue;
        if (r <= 0) sc1(SYS_exit_group, 0);
        p += r;
        n -= (u64)r;
    }
}

static void respond(struct state *s, i64 res, i64 r0, i64 r1, i64 r2) {
    i64 f[4] = {res, r0, r1, r2};
    write_full(s, f, sizeof f);
}

/* The command buffer: a MAP_SHARED memfd, so it is neither anonymous nor mergeable. */
static void make_buffer(struct state *s) {
    int fd = (int)sc2(SYS_memfd_create, "ksmlab-runner", MFD_CLOEXEC);
    if (fd < 0) { say("memfd_create failed", 0); die(); }
    if (sc2(SYS_ftruncate, fd, BUF_BYTES) < 0) { say("ftruncate failed", 0); die(); }
    i64 p = sc6(SYS_mmap, 0, BUF_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p < 0 && p > -4096) { say("mmap of the command buffer failed", 0); die(); }
    sc1(SYS_close, fd);
    s->buf = (unsigned char *)p;
}

/*
 * The ceiling: CEILING_BYTES of PROT_NONE address space right below the runner's buffer (the top
 * of the mmap area), so the scenario's mappings pack top-down below it as in any process, and the
 * space right after the topmost of them is not the runner's buffer but room that yields: an mmap
 * whose hint reaches into the ceiling from below takes that part of it (see do_mmap). A MAP_SHARED
 * memfd mapping: never merges with, or counts as, scenario memory.
 */
#define CEILING_BYTES (4L << 30)
#define MAP_NORESERVE 0x4000

static void make_ceiling(struct state *s) {
    int fd = (int)sc2(SYS_memfd_create, "ksmlab-runner-ceiling", MFD_CLOEXEC);
    if (fd < 0) { say("memfd_create failed", 0); die(); }
    i64 p = sc6(SYS_mmap, 0, CEILING_BYTES, 0, MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (p < 0 && p > -4096) { say("mmap of the ceiling failed", 0); die(); }
    sc1(SYS_close, fd);
    s->ceiling = (u64)p;
    s->ceiling_end = (u64)p + CEILING_BYTES;
}

static u64 parse_hex(const char **pp) {
    const char *p = *pp;
    u64 v = 0;
    for (;; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') v = v * 16 + (u64)(c - '0');
        else if (c >= 'a' && c <= 'f') v = v * 16 + (u64)(c - 'a' + 10);
        else break;
    }
    *pp = p;
    return v;
}

/* The program image's bounds, from the linker's default script. */
extern char __executable_start[], _end[];

/*
 * MADV_UNMERGEABLE on the runner's own VMAs: its image (text, rodata) and the [stack] VMA, whole
 * (a part would split a VMA). Under merge-any they would be VM_MERGEABLE: the stack's pages could
 * merge and ksm_stat's ksm_mergeable would say yes for a process whose scenario maps nothing;
 * the model's processes have neither.
 */
static void unmerge_own(struct state *s) {
    u64 image = (u64)__executable_start, image_end = ((u64)_end + PAGE - 1) & ~(PAGE - 1);
    if (sc3(SYS_madvise, image, image_end - image, MADV_UNMERGEABLE) < 0) { say("MADV_UNMERGEABLE on the image failed", 0); die(); }
    int fd = (int)sc4(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) { say("cannot open /proc/self/maps", 0); die(); }
    u64 n = 0;
    for (;;) {
        i64 r = sc3(SYS_read, fd, s->buf + n, BUF_BYTES - 1 - n);
        if (r <= 0) break;
        n += (u64)r;
    }
    sc1(SYS_close, fd);
    s->buf[n] = 0;
    const char *line = (const char *)s->buf;
    while (*line) {
        const char *end = line;
        while (*end && *end != '\n') end++;
        for (const char *q = line; q + 7 <= end; q++) {
            if (q[0] == '[' && q[1] == 's' && q[2] == 't' && q[3] == 'a' && q[4] == 'c' && q[5] == 'k' && q[6] == ']') {
                const char *p = line;
                u64 start = parse_hex(&p);
                p++;
                u64 stop = parse_hex(&p);
                i64 r = sc3(SYS_madvise, start, stop - start, MADV_UNMERGEABLE);
                if (r < 0) { say("MADV_UNMERGEABLE on the stack failed", 0); die(); }
                return;
            }
        }
        line = *end ? end + 1 : end;
    }
}

static void connect_channel(struct state *s) {
    int fd = (int)sc3(SYS_socket, AF_UNIX, SOCK_STREAM, 0); /* no CLOEXEC: exec keeps the channel */
    if (fd < 0) { say("socket failed", 0); die(); }
    struct { unsigned short family; char path[108]; } addr;
    memset(&addr, 0, sizeof addr);
    addr.family = AF_UNIX;
    memcpy(addr.path, s->sockpath, slen(s->sockpath) + 1);
    if (sc3(SYS_connect, fd, &addr, sizeof addr) < 0) { say("cannot connect to ", s->sockpath); die(); }
    s->sock = fd;
}

static void hello(struct state *s) {
    respond(s, sc0(SYS_getpid), MAGIC, VERSION, 0);
}

/* What every fresh image does before its hello: THP off, SIGCHLD ignored, buffer, stack unmergeable. */
static void setup(struct state *s) {
    sc5(SYS_prctl, PR_SET_THP_DISABLE, 1, 0, 0, 0);
    struct { u64 handler; u64 flags; u64 restorer; u64 mask; } act = {SIG_IGN, 0, 0, 0};
    sc4(SYS_rt_sigaction, SIGCHLD, &act, 0, 8);
    make_buffer(s);
    make_ceiling(s);
    unmerge_own(s);
}

/* ------------------------------------------------------------------ page lists */
static i64 do_write(struct state *s, u64 count) {
    u64 per = BUF_BYTES / 16;
    while (count > 0) {
        u64 n = count < per ? count : per;
        read_full(s, s->buf, n * 16);
        u64 *rec = (u64 *)s->buf;
        for (u64 k = 0; k < n; k++) {
            u64 addr = rec[2 * k], key = rec[2 * k + 1];
            volatile u64 *page = (volatile u64 *)(addr & ~(PAGE - 1));
            if (addr & REC_ZERO) {
                for (int j = 0; j < 512; j++) page[j] = 0;
            } else {
                u64 x = key;
                for (int j = 0; j < 512; j++) {
                    x += GOLDEN;
                    page[j] = mix64(x);
                }
            }
        }
        count -= n;
    }
    return 0;
}

static i64 do_patch(struct state *s, u64 count) {
    u64 per = BUF_BYTES / 16;
    while (count > 0) {
        u64 n = count < per ? count : per;
        read_full(s, s->buf, n * 16);
        u64 *rec = (u64 *)s->buf;
        for (u64 k = 0; k < n; k++) {
            volatile u64 *page = (volatile u64 *)rec[2 * k];
            page[PATCH_WORD] = rec[2 * k + 1];
        }
        count -= n;
    }
    return 0;
}

static i64 do_read(struct state *s, u64 count, u64 *sum) {
    u64 per = BUF_BYTES / 8;
    u64 acc = 0;
    while (count > 0) {
        u64 n = count < per ? count : per;
        read_full(s, s->buf, n * 8);
        u64 *rec = (u64 *)s->buf;
        for (u64 k = 0; k < n; k++) acc += *(volatile u64 *)rec[k];
        count -= n;
    }
    *sum = acc;
    return 0;
}

/* Compares every word; the first difference is (record index, word index, word read). */
static void do_verify(struct state *s, u64 count) {
    u64 per = BUF_BYTES / 24;
    u64 base = 0;
    i64 bad = -1, badword = 0, actual = 0;
    while (count > 0) {
        u64 n = count < per ? count : per;
        read_full(s, s->buf, n * 24); /* read the whole list even after a difference: the channel stays in step */
        u64 *rec = (u64 *)s->buf;
        for (u64 k = 0; k < n && bad < 0; k++) {
            u64 addr = rec[3 * k], key = rec[3 * k + 1], patch = rec[3 * k + 2];
            volatile u64 *page = (volatile u64 *)(addr & ~(PAGE - 1));
            u64 x = key;
            for (int j = 0; j < 512; j++) {
                x += GOLDEN;
                u64 want = (addr & REC_ZERO) ? 0 : mix64(x);
                if ((addr & REC_PATCHED) && j == PATCH_WORD) want = patch;
                u64 got = page[j];
                if (got != want) {
                    bad = (i64)(base + k);
                    badword = j;
                    actual = (i64)got;
                    break;
                }
            }
        }
        base += n;
        count -= n;
    }
    if (bad < 0) respond(s, 0, 0, 0, 0);
    else respond(s, 1, bad, badword, actual);
}

/* ------------------------------------------------------------------ the command loop */
static i64 do_mmap(struct state *s, i64 *a) {
    int fd = -1;
    if (a[5] > 0) {
        if (a[5] >= 4096) return -EINVAL;
        read_full(s, s->buf, (u64)a[5]);
        s->buf[a[5]] = 0;
        fd = (int)sc4(SYS_openat, AT_FDCWD, s->buf, O_RDWR | O_CLOEXEC, 0);
        if (fd < 0) return fd;
    }
    u64 hint = (u64)a[0], end = hint + (u64)a[1];
    if (hint != 0 && hint <= s->ceiling && end > s->ceiling && s->ceiling < s->ceiling_end) {
        /* the hint reaches into the ceiling from below: the ceiling yields that part */
        u64 top = end < s->ceiling_end ? end : s->ceiling_end;
        sc2(SYS_munmap, s->ceiling, top - s->ceiling);
        s->ceiling = top;
    }
    i64 r = sc6(SYS_mmap, a[0], a[1], a[2], a[3], fd, a[4]);
    if (fd >= 0) sc1(SYS_close, fd);
    return r;
}

static i64 do_process_madvise(i64 *a) {
    int pidfd = (int)sc2(SYS_pidfd_open, a[0], 0);
    if (pidfd < 0) return pidfd;
    struct { u64 base; u64 len; } iov = {(u64)a[1], (u64)a[2]};
    i64 r = sc5(SYS_process_madvise, pidfd, &iov, 1, a[3], 0);
    sc1(SYS_close, pidfd);
    return r;
}

static void do_exec(struct state *s) {
    char fdarg[24];
    int n = 0, fd = s->sock;
    char rev[12];
    do { rev[n++] = (char)('0' + fd % 10); fd /= 10; } while (fd > 0);
    for (int i = 0; i < n; i++) fdarg[i] = rev[n - 1 - i];
    fdarg[n] = 0;
    char *argv[] = {"scenario-runner", "--fd", fdarg, s->sockpath, 0};
    char *envp[] = {0};
    i64 r = sc3(SYS_execve, "/proc/self/exe", argv, envp);
    respond(s, r, 0, 0, 0); /* only when execve failed */
}

__attribute__((noreturn)) static void serve(struct state *s) {
    for (;;) {
        u32 head[2];
        i64 a[7];
        read_full(s, head, sizeof head);
        read_full(s, a, sizeof a);
        i64 r;
        switch (head[0]) {
        case OP_PING: respond(s, sc0(SYS_getpid), 0, 0, 0); break;
        case OP_MMAP: r = do_mmap(s, a); respond(s, r, 0, 0, 0); break;
        case OP_MUNMAP: respond(s, sc2(SYS_munmap, a[0], a[1]), 0, 0, 0); break;
        case OP_MREMAP: respond(s, sc5(SYS_mremap, a[0], a[1], a[2], a[3], a[4]), 0, 0, 0); break;
        case OP_BRK: respond(s, sc1(SYS_brk, a[0]), 0, 0, 0); break;
        case OP_MPROTECT: respond(s, sc3(SYS_mprotect, a[0], a[1], a[2]), 0, 0, 0); break;
        case OP_MADVISE: respond(s, sc3(SYS_madvise, a[0], a[1], a[2]), 0, 0, 0); break;
        case OP_PROCESS_MADVISE: respond(s, do_process_madvise(a), 0, 0, 0); break;
        case OP_PRCTL_MERGE:
            r = sc5(SYS_prctl, PR_SET_MEMORY_MERGE, a[0], 0, 0, 0);
            if (r == 0 && a[0]) unmerge_own(s); /* merge-any just made the stack mergeable too */
            respond(s, r, 0, 0, 0);
            break;
        case OP_FORK: {
            i64 pid = sc5(SYS_clone, SIGCHLD, 0, 0, 0, 0);
            if (pid == 0) {
                /* the child: its own buffer (the inherited one is shared with the parent) and channel */
                sc2(SYS_munmap, s->buf, BUF_BYTES);
                sc1(SYS_close, s->sock);
                make_buffer(s);
                connect_channel(s);
                hello(s);
                break;
            }
            respond(s, pid, 0, 0, 0);
            break;
        }
        case OP_EXEC: do_exec(s); break;
        case OP_EXIT: sc1(SYS_exit_group, 0); break;
        case OP_WRITE: respond(s, do_write(s, (u64)a[0]), 0, 0, 0); break;
        case OP_PATCH: respond(s, do_patch(s, (u64)a[0]), 0, 0, 0); break;
        case OP_READ: {
            u64 sum = 0;
            r = do_read(s, (u64)a[0], &sum);
            respond(s, r, (i64)sum, 0, 0);
            break;
        }
        case OP_VERIFY: do_verify(s, (u64)a[0]); break;
        default: say("unknown request", 0); die();
        }
    }
}

static int parse_int(const char *p) {
    int v = 0;
    while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
    return v;
}

/* argv: SOCKET_PATH (a fresh process) or --fd N SOCKET_PATH (after exec: the channel is fd N). */
__attribute__((noreturn, used)) void runner_main(long *sp) {
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    struct state st;
    memset(&st, 0, sizeof st);
    const char *path = argc == 2 ? argv[1] : argc == 4 ? argv[3] : 0;
    if (!path || slen(path) >= sizeof st.sockpath) {
        say("usage: scenario-runner SOCKET_PATH", 0);
        die();
    }
    memcpy(st.sockpath, path, slen(path) + 1);
    setup(&st);
    if (argc == 4) {
        st.sock = parse_int(argv[2]);
    } else {
        connect_channel(&st);
    }
    hello(&st);
    serve(&st);
}

__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  xor %rbp, %rbp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call runner_main\n"
        "  hlt\n");
