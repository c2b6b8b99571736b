package org.ksmlab.engine.mm;

/** The kernel error numbers the system-call-like API reports (values as on x86-64 Linux). */
public enum Errno {
    EPERM(1), ENOENT(2), ESRCH(3), EFAULT(14), EBUSY(16), EINVAL(22), ENOMEM(12), EAGAIN(11), EACCES(13), EEXIST(17), ENOSYS(38);

    /** The positive errno value; system calls return its negation. */
    public final int value;

    Errno(int value) {
        this.value = value;
    }
}
