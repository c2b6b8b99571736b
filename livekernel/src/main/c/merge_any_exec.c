/*
 * merge_any_exec: prctl(PR_SET_MEMORY_MERGE, 1), then execve(argv[1], argv + 1, envp).
 *
 * How `./run.sh capture -- CMD` and `capture-check` start a command under KSM merge-any: the
 * flag is set in this process and survives execve (measured on 6.18, docs/kernel-probes), so
 * every compatible VMA the command ever maps is VM_MERGEABLE, as if the program had called
 * prctl itself first thing. A JVM cannot run code between fork and exec, and setting the flag
 * on the JVM itself to have the child inherit it would make the JVM's own memory mergeable.
 *
 * Freestanding like scenario_runner.c (-static -nostdlib, raw x86_64 system calls): a C
 * compiler alone builds it. argv[1] must be a path (the JVM resolves PATH). Exit 126 when the
 * prctl fails (no KSM, a kernel before 6.4), 127 when execve fails; the errno goes to stderr.
 */
#define SYS_write 1
#define SYS_execve 59
#define SYS_exit 60
#define SYS_prctl 157
#define PR_SET_MEMORY_MERGE 67

static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static long sys5(long n, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
	return r;
}

static void out(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	sys3(SYS_write, 2, (long)s, n);
}

static void fail(const char *what, const char *arg, long err, int code)
{
	char num[24];
	int i = sizeof(num) - 1;
	unsigned long e = (unsigned long)-err;
	num[i] = 0;
	do {
		num[--i] = (char)('0' + e % 10);
		e /= 10;
	} while (e && i > 0);
	out("merge_any_exec: ");
	out(what);
	if (arg) {
		out(" ");
		out(arg);
	}
	out(" failed: errno ");
	out(num + i);
	out("\n");
	sys3(SYS_exit, code, 0, 0);
}

void start_c(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	long r;

	if (argc < 2) {
		out("usage: merge_any_exec PATH [ARGS...]\n");
		sys3(SYS_exit, 2, 0, 0);
	}
	r = sys5(SYS_prctl, PR_SET_MEMORY_MERGE, 1, 0, 0, 0);
	if (r < 0)
		fail("prctl(PR_SET_MEMORY_MERGE, 1)", 0, r, 126);
	r = sys3(SYS_execve, (long)argv[1], (long)(argv + 1), (long)envp);
	fail("execve", argv[1], r, 127);
}

__asm__(".global _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start_c\n"
	"	hlt\n");
