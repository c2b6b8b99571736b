package org.ksmlab.engine.workload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed workload spec {@code name:key=value,key=value}. Parsing checks only the grammar;
 * {@link Workloads#create} checks names, keys and values against the workload's definition.
 */
public record WorkloadSpec(String name, Map<String, String> params) {
    public WorkloadSpec {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** Parses {@code name} or {@code name:k=v,k=v}; keys must not repeat. */
    public static WorkloadSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty workload spec: expected name:key=value,... e.g. dup:pages=1000,distinct=10");
        }
        String s = text.trim();
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        if (!name.matches("[a-z][a-z0-9_-]*")) {
            throw new IllegalArgumentException("bad workload name '" + name + "' in '" + text + "': expected lower-case letters, digits, '-' or '_'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (colon >= 0) {
            String rest = s.substring(colon + 1);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("workload spec '" + text + "' has ':' but no key=value after it");
            }
            for (String kv : rest.split(",", -1)) {
                int eq = kv.indexOf('=');
                if (eq <= 0 || eq == kv.length() - 1) {
                    throw new IllegalArgumentException("bad parameter '" + kv + "' in workload spec '" + text + "': expected key=value");
                }
                String key = kv.substring(0, eq).trim();
                if (params.put(key, kv.substring(eq + 1).trim()) != null) {
                    throw new IllegalArgumentException("parameter '" + key + "' given twice in workload spec '" + text + "'");
                }
            }
        }
        return new WorkloadSpec(name, params);
    }

    @Override
    public String toString() {
        if (params.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append(':');
        params.forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }
}
