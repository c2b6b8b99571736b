package org.ksmlab.engine.mm;

/**
 * A system call failed with a kernel error, e.g. {@code madvise} on an unaligned start gives
 * {@link Errno#EINVAL}. The message says which argument and why, as a user would want it.
 */
public final class SyscallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Errno errno;

    public SyscallException(Errno errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
