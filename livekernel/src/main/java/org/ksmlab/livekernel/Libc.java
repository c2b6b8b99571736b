package org.ksmlab.livekernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The few C library calls the live-kernel driver needs, as java.lang.foreign downcalls. Every
 * call that can fail captures {@code errno} ({@link Linker.Option#captureCallState}) and throws
 * {@link LibcException} naming the call, its arguments and the errno, so a failure reads like
 * strace output.
 *
 * <p>Linux x86_64/aarch64 only (the constants are the generic Linux ones).
 */
public final class Libc {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    /** madvise advice: drop the pages (anonymous memory then reads as zeros). */
    public static final int MADV_DONTNEED = 4;
    /** madvise advice: let ksmd scan the range (VM_MERGEABLE). */
    public static final int MADV_MERGEABLE = 12;
    /** madvise advice: unmerge and stop scanning the range. */
    public static final int MADV_UNMERGEABLE = 13;
    /** madvise advice: no transparent huge pages here (KSM works on 4 KiB pages). */
    public static final int MADV_NOHUGEPAGE = 15;
    /** prctl option: make every compatible VMA of the process mergeable (Linux 6.4+). */
    public static final int PR_SET_MEMORY_MERGE = 67;
    /** prctl option: whether merge-any is set. */
    public static final int PR_GET_MEMORY_MERGE = 68;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_CLOEXEC = 0x80000;
    /** flock(2) operations. */
    public static final int LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    public static final int O_TRUNC = 0x200;
    /** sysconf name of the clock-tick rate (USER_HZ) used by /proc/PID/stat. */
    public static final int SC_CLK_TCK = 2;

    public static final int EPERM = 1, ENOENT = 2, EACCES = 13, EBUSY = 16, EINVAL = 22, ENOMEM = 12, EWOULDBLOCK = 11;

    /** A failed C call with its errno. */
    public static final class LibcException extends RuntimeException {
        private final int errno;

        LibcException(String call, int errno) {
            super(call + " failed: " + errnoName(errno) + " (" + strerror(errno) + ")");
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");

    private static final MethodHandle MMAP = downcall("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), ERRNO_OPT);
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), ERRNO_OPT);
    private static final MethodHandle MADVISE = downcall("madvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), ERRNO_OPT);
    // int prctl(int option, ...): the variadic part passed as unsigned longs, as the kernel reads them.
    private static final MethodHandle PRCTL = downcall("prctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            ERRNO_OPT, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle GETPID = downcall("getpid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle GETEUID = downcall("geteuid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle SYSCONF = downcall("sysconf", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), ERRNO_OPT);
    private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT), ERRNO_OPT, Linker.Option.firstVariadicArg(2));
    // open(path, flags, mode): the mode is the variadic part, passed as an int.
    private static final MethodHandle OPEN_MODE = downcall("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPT, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), ERRNO_OPT);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FLOCK = downcall("flock", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPT);
    private static final MethodHandle CLOCK_GETRES = downcall("clock_getres", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS), ERRNO_OPT);
    /** clockid of the coarse monotonic clock: it advances with jiffies, so its resolution is one tick. */
    public static final int CLOCK_MONOTONIC_COARSE = 6;
    private static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Libc() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc symbol " + name + " not found"));
        return LINKER.downcallHandle(sym, fd, options);
    }

    /**
     * mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0): private
     * anonymous memory, the only kind KSM merges. The segment is sized {@code length}; release it
     * with {@link #munmap}.
     */
    public static MemorySegment mmapAnonymous(long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            MemorySegment p = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
            if (p.address() == -1L) {
                throw new LibcException("mmap(NULL, " + length + ", PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)", errno(state));
            }
            return p.reinterpret(length);
        } catch (LibcException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap downcall", t);
        }
    }

    public static void munmap(MemorySegment region) {
        call("munmap(0x" + Long.toHexString(region.address()) + ", " + region.byteSize() + ")",
                state -> (int) MUNMAP.invokeExact(state, region, region.byteSize()));
    }

    /** madvise over the whole segment (page aligned, as mmap returned it). */
    public static void madvise(MemorySegment region, int advice) {
        madvise(region, 0, region.byteSize(), advice);
    }

    public static void madvise(MemorySegment region, long offset, long length, int advice) {
        MemorySegment start = MemorySegment.ofAddress(region.address() + offset);
        call("madvise(0x" + Long.toHexString(start.address()) + ", " + length + ", " + adviceName(advice) + ")",
                state -> (int) MADVISE.invokeExact(state, start, length, advice));
    }

    /** prctl(option, arg2, 0, 0, 0); returns the call's result (PR_GET_* values). */
    public static int prctl(int option, long arg2) {
        return call("prctl(" + option + ", " + arg2 + ")", state -> (int) PRCTL.invokeExact(state, option, arg2, 0L, 0L, 0L));
    }

    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on common kernels). */
    public static long clockTicksPerSecond() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            long v = (long) SYSCONF.invokeExact(state, SC_CLK_TCK);
            if (v <= 0) {
                throw new LibcException("sysconf(_SC_CLK_TCK)", errno(state));
            }
            return v;
        } catch (LibcException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * clock_getres(CLOCK_MONOTONIC_COARSE) in ns: the kernel's tick (10^9 / CONFIG_HZ), since the
     * coarse clocks advance once per tick.
     */
    public static long coarseClockResolutionNanos() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ts = a.allocate(16, 8);
            call("clock_getres(CLOCK_MONOTONIC_COARSE)", state -> (int) CLOCK_GETRES.invokeExact(state, CLOCK_MONOTONIC_COARSE, ts));
            return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
        }
    }

    /**
     * Writes {@code text} to {@code path} in one write(2), as {@code echo text > path} does for
     * sysfs: the store function's error comes back as errno ({@link LibcException#errno()}).
     */
    public static void writeFile(String path, String text) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            MemorySegment cpath = a.allocateFrom(path);
            int fd = (int) OPEN.invokeExact(state, cpath, O_WRONLY | O_TRUNC);
            if (fd < 0) {
                throw new LibcException("open(" + path + ", O_WRONLY|O_TRUNC)", errno(state));
            }
            try {
                byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
                MemorySegment buf = a.allocate(bytes.length);
                buf.copyFrom(MemorySegment.ofArray(bytes));
                long n = (long) WRITE.invokeExact(state, fd, buf, (long) bytes.length);
                if (n < 0) {
                    throw new LibcException("write(" + path + ", \"" + text.strip() + "\")", errno(state));
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("write " + path, t);
        }
    }

    /** open(path, O_RDWR|O_CREAT|O_CLOEXEC, 0666): a file descriptor for {@link #flock}. */
    public static int openForLock(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            MemorySegment cpath = a.allocateFrom(path);
            int fd = (int) OPEN_MODE.invokeExact(state, cpath, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
            if (fd < 0) {
                throw new LibcException("open(" + path + ", O_RDWR|O_CREAT)", errno(state));
            }
            return fd;
        } catch (LibcException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open " + path, t);
        }
    }

    /**
     * flock(fd, operation): the BSD lock flock(1) takes too, so a shell script holding
     * {@code flock FILE cmd} and this driver exclude each other. Returns false when
     * {@link #LOCK_NB} was given and another holder has it.
     */
    public static boolean flock(int fd, int operation) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) FLOCK.invokeExact(state, fd, operation);
            if (r == 0) {
                return true;
            }
            int e = errno(state);
            if (e == EWOULDBLOCK && (operation & LOCK_NB) != 0) {
                return false;
            }
            throw new LibcException("flock(" + fd + ", " + operation + ")", e);
        } catch (LibcException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("flock", t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close", t);
        }
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    public static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case EINVAL -> "EINVAL";
            default -> "errno " + errno;
        };
    }

    static String adviceName(int advice) {
        return switch (advice) {
            case MADV_DONTNEED -> "MADV_DONTNEED";
            case MADV_MERGEABLE -> "MADV_MERGEABLE";
            case MADV_UNMERGEABLE -> "MADV_UNMERGEABLE";
            case MADV_NOHUGEPAGE -> "MADV_NOHUGEPAGE";
            default -> String.valueOf(advice);
        };
    }

    @FunctionalInterface
    private interface IntCall {
        int invoke(MemorySegment state) throws Throwable;
    }

    private static int call(String what, IntCall c) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = c.invoke(state);
            if (r < 0) {
                throw new LibcException(what, errno(state));
            }
            return r;
        } catch (LibcException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what, t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
