/**
 * Workloads: the {@code name:key=value,...} grammar ({@link WorkloadSpec}), a registry of
 * generators ({@link Workloads}) and the page contents they write ({@link PageContents}).
 * All randomness comes from the spec's {@code seed}, so a spec names one exact run.
 */
package org.ksmlab.engine.workload;
