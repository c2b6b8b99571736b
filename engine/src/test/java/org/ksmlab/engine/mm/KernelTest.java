package org.ksmlab.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ksmlab.engine.memory.PageStore.PAGE_SIZE;
import static org.ksmlab.engine.mm.VmFlags.*;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ksmlab.engine.memory.PageStore;

class KernelTest {
    private final Kernel k = new Kernel(new NoMerger());

    @AfterEach
    void check() {
        k.checkInvariants();
        k.close();
    }

    @Test
    void firstReadMapsTheZeroPageAndAllocatesNothing() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, 4 * PAGE_SIZE);
        assertEquals(0, k.readLong(pid, a + 8));
        assertEquals(PageStore.ZERO_FRAME, k.frameAt(pid, a));
        assertEquals(0, k.nrAnonPages());
        assertEquals(1, k.minorFaults());
    }

    @Test
    void firstWriteAllocatesAnAnonymousFrame() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, 4 * PAGE_SIZE);
        k.writeLong(pid, a, 7);
        assertEquals(7, k.readLong(pid, a));
        assertEquals(1, k.nrAnonPages());
        assertEquals(0, k.cowFaults());
    }

    @Test
    void writeAfterReadOfTheZeroPageCopiesIntoANewFrame() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, PAGE_SIZE);
        k.readLong(pid, a);
        k.writeLong(pid, a, 1);
        assertNotEquals(PageStore.ZERO_FRAME, k.frameAt(pid, a));
        assertEquals(1, k.nrAnonPages());
        assertEquals(1, k.cowFaults());
    }

    @Test
    void forkSharesPagesUntilAWriteCopiesThem() {
        int parent = k.spawn();
        long a = k.mmapAnonymous(parent, 2 * PAGE_SIZE);
        k.writeLong(parent, a, 11);
        k.writeLong(parent, a + PAGE_SIZE, 22);
        int child = k.fork(parent);
        assertEquals(k.frameAt(parent, a), k.frameAt(child, a));
        assertEquals(2, k.nrAnonPages());
        k.writeLong(child, a, 99);
        assertEquals(11, k.readLong(parent, a));
        assertEquals(99, k.readLong(child, a));
        assertEquals(3, k.nrAnonPages());
        assertEquals(1, k.cowFaults());
        assertEquals(2, k.vmaCount());
    }

    @Test
    void writeToAnExclusiveAnonymousPageReusesItsFrame() {
        int parent = k.spawn();
        long a = k.mmapAnonymous(parent, PAGE_SIZE);
        k.writeLong(parent, a, 1);
        int frame = k.frameAt(parent, a);
        int child = k.fork(parent);
        k.exit(child);
        // The pte is still write-protected from fork, but the frame is ours alone again.
        k.writeLong(parent, a, 2);
        assertEquals(frame, k.frameAt(parent, a));
        assertEquals(0, k.cowFaults());
    }

    @Test
    void writeToAPrivateFileMappingCopiesThePageCacheIntoAnonymousMemory() {
        MappedFile lib = new MappedFile("libc.so.6", 4, (store, frame, index) -> store.fillLong(frame, 100 + index));
        int a = k.spawn();
        int b = k.spawn();
        long ma = k.mmap(a, 0, 4 * PAGE_SIZE, PROT_READ | PROT_EXEC | PROT_WRITE, MAP_PRIVATE, lib, 0);
        long mb = k.mmap(b, 0, 4 * PAGE_SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE, lib, 0);
        assertEquals(101, k.readLong(a, ma + PAGE_SIZE));
        k.readLong(b, mb + PAGE_SIZE);
        assertEquals(k.frameAt(a, ma + PAGE_SIZE), k.frameAt(b, mb + PAGE_SIZE));
        assertEquals(0, k.nrAnonPages());
        k.writeLong(a, ma + PAGE_SIZE, 5); // code patching
        assertEquals(1, k.nrAnonPages());
        assertEquals(1, k.cowFaults());
        assertEquals(101, k.readLong(b, mb + PAGE_SIZE));
        assertEquals(101, k.readLong(a, ma + PAGE_SIZE + 8));
    }

    @Test
    void sharedAnonymousMemoryStaysSharedAcrossFork() {
        int parent = k.spawn();
        long a = k.mmap(parent, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, null, 0);
        k.writeLong(parent, a, 1);
        int child = k.fork(parent);
        k.writeLong(child, a, 2);
        assertEquals(2, k.readLong(parent, a));
        assertEquals(0, k.nrAnonPages(), "shmem pages are not anonymous pages");
        assertEquals(0, k.cowFaults());
    }

    @Test
    void adjacentAnonymousMappingsMergeIntoOneVma() {
        int pid = k.spawn();
        k.mmapAnonymous(pid, 2 * PAGE_SIZE);
        k.mmapAnonymous(pid, 3 * PAGE_SIZE);
        assertEquals(1, k.vmaCount());
    }

    @Test
    void madviseMergeableSplitsTheVmaAndUnmergeableMergesItBack() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, 10 * PAGE_SIZE);
        k.madvise(pid, a + 2 * PAGE_SIZE, 3 * PAGE_SIZE, MADV_MERGEABLE);
        assertEquals(3, k.vmaCount());
        Vma mid = k.process(pid).findVma(a + 2 * PAGE_SIZE);
        assertEquals(a + 2 * PAGE_SIZE, mid.start());
        assertEquals(a + 5 * PAGE_SIZE, mid.end());
        assertEquals(true, mid.isMergeable());
        k.madvise(pid, a + 2 * PAGE_SIZE, 3 * PAGE_SIZE, MADV_UNMERGEABLE);
        assertEquals(1, k.vmaCount());
    }

    @Test
    void madviseMergeableIgnoresSharedMappings() {
        int pid = k.spawn();
        long a = k.mmap(pid, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, null, 0);
        k.madvise(pid, a, 4 * PAGE_SIZE, MADV_MERGEABLE);
        assertEquals(false, k.process(pid).findVma(a).isMergeable());
        assertEquals(1, k.vmaCount());
    }

    @Test
    void munmapOfTheMiddleSplitsTheVma() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, 3 * PAGE_SIZE);
        for (int i = 0; i < 3; i++) k.writeLong(pid, a + (long) i * PAGE_SIZE, i + 1);
        k.munmap(pid, a + PAGE_SIZE, PAGE_SIZE);
        assertEquals(2, k.vmaCount());
        assertEquals(2, k.nrAnonPages());
        assertThrows(SegmentationFault.class, () -> k.readLong(pid, a + PAGE_SIZE));
        assertEquals(3, k.readLong(pid, a + 2 * PAGE_SIZE));
    }

    @Test
    void mremapMovesPagesWithoutCopyingThem() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, 2 * PAGE_SIZE);
        k.writeLong(pid, a, 42);
        int frame = k.frameAt(pid, a);
        long to = 0x5000_0000_0000L;
        assertEquals(to, k.mremap(pid, a, 2 * PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, to));
        assertEquals(frame, k.frameAt(pid, to));
        assertEquals(42, k.readLong(pid, to));
        assertThrows(SegmentationFault.class, () -> k.readLong(pid, a));
        assertEquals(0, k.cowFaults());
    }

    @Test
    void dontneedDropsAnonymousPagesWhichReadBackAsZero() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, 4 * PAGE_SIZE);
        for (int i = 0; i < 4; i++) k.writeLong(pid, a + (long) i * PAGE_SIZE, 9);
        k.madvise(pid, a, 2 * PAGE_SIZE, MADV_DONTNEED);
        assertEquals(2, k.nrAnonPages());
        assertEquals(0, k.readLong(pid, a));
        assertEquals(9, k.readLong(pid, a + 3 * PAGE_SIZE));
    }

    @Test
    void madviseRejectsAnUnalignedStartWithEinval() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, PAGE_SIZE);
        SyscallException e = assertThrows(SyscallException.class, () -> k.madvise(pid, a + 1, PAGE_SIZE, MADV_DONTNEED));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void madviseRejectsUnknownAdviceWithEinval() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, PAGE_SIZE);
        assertEquals(Errno.EINVAL, assertThrows(SyscallException.class, () -> k.madvise(pid, a, PAGE_SIZE, 77)).errno());
    }

    @Test
    void madviseOverAHoleAppliesToTheMappedPartAndReportsEnomem() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, 3 * PAGE_SIZE);
        k.writeLong(pid, a, 5);
        k.munmap(pid, a + PAGE_SIZE, PAGE_SIZE);
        assertEquals(Errno.ENOMEM, assertThrows(SyscallException.class, () -> k.madvise(pid, a, 3 * PAGE_SIZE, MADV_DONTNEED)).errno());
        assertEquals(0, k.readLong(pid, a));
    }

    @Test
    void mremapOfARangeSpanningTwoVmasFailsWithEfault() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, 4 * PAGE_SIZE);
        k.madvise(pid, a, 2 * PAGE_SIZE, MADV_MERGEABLE);
        assertEquals(Errno.EFAULT, assertThrows(SyscallException.class,
                () -> k.mremap(pid, a, 4 * PAGE_SIZE, 4 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, 0x5000_0000_0000L)).errno());
    }

    @Test
    void writeToAReadOnlyMappingIsASegmentationFault() {
        int pid = k.spawn();
        long a = k.mmap(pid, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, null, 0);
        assertThrows(SegmentationFault.class, () -> k.writeLong(pid, a, 1));
    }

    @Test
    void prctlMemoryMergeFlagsCurrentAndFutureVmasAndIsInheritedByFork() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, PAGE_SIZE);
        assertEquals(0, k.prctl(pid, PR_GET_MEMORY_MERGE, 0));
        k.prctl(pid, PR_SET_MEMORY_MERGE, 1);
        assertEquals(1, k.prctl(pid, PR_GET_MEMORY_MERGE, 0));
        assertEquals(true, k.process(pid).findVma(a).isMergeable());
        long b = k.mmap(pid, 0x4000_0000_0000L, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, null, 0);
        assertEquals(true, k.process(pid).findVma(b).isMergeable());
        int child = k.fork(pid);
        assertEquals(1, k.prctl(child, PR_GET_MEMORY_MERGE, 0));
        k.prctl(pid, PR_SET_MEMORY_MERGE, 0);
        assertEquals(false, k.process(pid).findVma(a).isMergeable());
        assertEquals(Errno.EINVAL, assertThrows(SyscallException.class, () -> k.prctl(pid, PR_SET_MEMORY_MERGE, 2)).errno());
    }

    @Test
    void exitFreesEveryFrame() {
        int pid = k.spawn();
        long a = k.mmapAnonymous(pid, 8 * PAGE_SIZE);
        for (int i = 0; i < 8; i++) k.writeLong(pid, a + (long) i * PAGE_SIZE, i);
        k.exit(pid);
        assertEquals(0, k.nrAnonPages());
        assertEquals(1, k.store().allocatedFrames(), "only the zero frame is left");
        assertEquals(0, k.vmaCount());
    }
}
