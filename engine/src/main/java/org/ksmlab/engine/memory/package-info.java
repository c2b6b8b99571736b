/**
 * Physical memory: page frames and the operations the kernel's merge paths do on them.
 *
 * <h2>Layout</h2>
 * A frame is identified by an {@code int} <em>frame id</em> (the model's pfn). Its contents are
 * held as the {@link PageMode} says, behind one interface ({@code FrameContents}), so the kernel
 * model and every merger run unchanged in both modes:
 * <ul>
 * <li>byte pages (the reference, the default): off-heap in {@link java.lang.foreign.MemorySegment}
 *     chunks of {@link PageStore#FRAMES_PER_CHUNK} frames, so the store grows without copying page
 *     data; a frame's bytes are the slice {@code chunk[id >>> CHUNK_SHIFT]} at offset
 *     {@code (id & CHUNK_MASK) * PAGE_SIZE};</li>
 * <li>symbolic pages: a content identity per frame ({@code SymbolicFrameContents}: an int naming
 *     a {@link PagePattern} by id, or a table entry for anything else, such as a patched page),
 *     from which reads, the memcmp order, the first differing byte and the checksums are
 *     computed exactly as byte pages give them.</li>
 * </ul>
 * Frame metadata
 * (the kernel's {@code struct page}/folio fields that matter here) is struct-of-arrays:
 * {@code refcount[id]}, {@code mapcount[id]}, {@code flags[id]}.
 *
 * <p>Naming convention used across the engine: {@code frame} (or {@code pfn}) is a frame id,
 * {@code vpn} is a virtual page number (virtual address {@code >>> PAGE_SHIFT}), {@code addr}
 * is a byte address.
 *
 * <h2>The zero frame</h2>
 * Frame {@link PageStore#ZERO_FRAME} is the kernel's shared zero page: always present, all
 * zero bytes, never freed, never written.
 *
 * <h2>Compare and checksum</h2>
 * {@link PageCompare} is the kernel's {@code memcmp_pages} (unsigned byte order, as
 * {@code memcmp}); {@link PageChecksum} is {@code calc_checksum} (low 32 bits of xxh64 with
 * seed 0) plus named variants. {@link PageCompare#best()} is the Vector API path when the JVM
 * resolved {@code jdk.incubator.vector}, else scalar (it logs why); the module check lives in
 * {@code PageCompareSelector} because linking the vector class already needs the module.
 *
 * <h2>Where this model differs from the kernel</h2>
 * 4 KiB base pages only: no THP, no large folios, no NUMA nodes, no swap. With symbolic pages
 * the model keeps every answer a content read gives (values, order, first difference,
 * checksums and their collisions) but no longer touches 4 KiB per page: the CPU of checksums and
 * compares is charged from the cost model, calibrated with byte pages and the live kernel, and
 * what the host's caches and memory bandwidth would do to it is not measured in that mode.
 */
package org.ksmlab.engine.memory;
