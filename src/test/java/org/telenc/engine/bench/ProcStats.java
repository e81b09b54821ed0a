package org.telenc.engine.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux says about a process and the machine, from {@code /proc}: a process's CPU time
 * (user + system, all threads), its peak and current resident set ({@code VmHWM} is already the
 * peak since the process started, so one read at the end of a phase is the phase's peak), and the
 * machine's busy CPU time, which tells how much of the two cores other processes took.
 */
final class ProcStats {

    /** USER_HZ: the unit of /proc/[pid]/stat and /proc/stat times; 100 on every Linux we run on. */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {}

    /** CPU seconds the process has used so far (utime + stime), or NaN when it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may contain spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]); // field 14 of the whole line
            long stime = Long.parseLong(fields[12]); // field 15
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** CPU seconds this JVM (the load driver) has used so far. */
    static double selfCpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return cpuSeconds(ProcessHandle.current().pid());
    }

    /** Busy and total CPU seconds of the whole machine (all cores) since boot: {busy, total}. */
    static double[] machineCpuSeconds() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal ..."
            String[] f = first.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // guest time is already inside user
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[] {(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** {@code VmHWM} (peak resident set) in kB, or -1. */
    static long peakRssKb(long pid) {
        return statusKb(pid, "VmHWM:");
    }

    /** {@code VmRSS} (current resident set) in kB, or -1. */
    static long rssKb(long pid) {
        return statusKb(pid, "VmRSS:");
    }

    private static long statusKb(long pid, String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static long memTotalMb() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
