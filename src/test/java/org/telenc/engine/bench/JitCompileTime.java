package org.telenc.engine.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JIT compilers' time so far in another JVM, ms: {@code jcmd <pid> PerfCounter.print}'s
 * {@code java.ci.totalTime} (ticks) over {@code sun.os.hrt.frequency} (ticks per second). The same
 * for the engine and the sandbox EMR process, with nothing to expose in either. NaN if jcmd fails.
 */
final class JitCompileTime {

    private static final Pattern TOTAL = Pattern.compile("^(?:java|sun)\\.ci\\.totalTime=(\\d+)", Pattern.MULTILINE);
    private static final Pattern FREQUENCY = Pattern.compile("^sun\\.os\\.hrt\\.frequency=(\\d+)", Pattern.MULTILINE);

    private JitCompileTime() {}

    static double millis(long pid) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "PerfCounter.print").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                return Double.NaN;
            }
            return parseMillis(out);
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    static double parseMillis(String perfCounters) {
        Matcher total = TOTAL.matcher(perfCounters);
        Matcher frequency = FREQUENCY.matcher(perfCounters);
        if (!total.find() || !frequency.find()) {
            return Double.NaN;
        }
        return Long.parseLong(total.group(1)) * 1000.0 / Long.parseLong(frequency.group(1));
    }
}
