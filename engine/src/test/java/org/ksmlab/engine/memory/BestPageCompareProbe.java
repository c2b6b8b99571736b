package org.ksmlab.engine.memory;

/** Prints {@link PageCompare#best()}'s name; run in a child JVM by {@link PageCompareContractTest}. */
final class BestPageCompareProbe {
    private BestPageCompareProbe() {
    }

    public static void main(String[] args) {
        System.out.println(PageCompare.best().name());
    }
}
