/** An idle JVM for memory datasets: started, then asleep (datasets/real/README.md). Run as `java Idle.java`. */
public class Idle {
    public static void main(String[] args) throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
    }
}
