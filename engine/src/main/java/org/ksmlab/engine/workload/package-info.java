/**
 * Workloads: the {@code name:key=value,...} grammar ({@link WorkloadSpec}), a registry of
 * generators ({@link Workloads}; other modules add theirs through {@link WorkloadProvider}) and
 * the page contents they write ({@link PageContents}). Captured real memory arrives as a
 * {@link MemoryImage} (built by the datasets module from a capture: the engine reads no file) and
 * is rebuilt by {@link ImageWorkload}.
 * All randomness comes from the spec's {@code seed}, so a spec names one exact run.
 */
package org.ksmlab.engine.workload;
