package org.telenc.engine.bench;

/**
 * CPU used during a measurement window, in cores (1.0 = one core busy for the whole window): by the
 * process under test, by this JVM (the load driver, or the ceiling program itself), and by
 * everything else on the machine (other builds: the noise to read next to every number).
 */
final class CpuMeter implements ClosedLoop.Window {

    private final long subjectPid;
    private final boolean selfIsSubject;
    private double subjectStart;
    private double selfStart;
    private double[] machineStart;
    private long startNanos;
    private volatile Usage usage = new Usage(Double.NaN, Double.NaN, Double.NaN, "?");
    private String loadStart = "?";

    /** @param subjectPid the process under test; this JVM's own pid to measure only itself */
    CpuMeter(long subjectPid) {
        this.subjectPid = subjectPid;
        this.selfIsSubject = subjectPid == ProcessHandle.current().pid();
    }

    /**
     * @param subject cores used by the process under test
     * @param driver cores used by this JVM (NaN when this JVM is the subject)
     * @param other cores used by every other process on the machine
     */
    record Usage(double subject, double driver, double other, String loadAverage) {
    }

    @Override
    public synchronized void started() {
        startNanos = System.nanoTime();
        subjectStart = ProcStats.cpuSeconds(subjectPid);
        selfStart = ProcStats.selfCpuSeconds();
        machineStart = ProcStats.machineCpuSeconds();
        loadStart = ProcStats.loadAverage();
    }

    @Override
    public synchronized void ended() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double subject = (ProcStats.cpuSeconds(subjectPid) - subjectStart) / seconds;
        double self = (ProcStats.selfCpuSeconds() - selfStart) / seconds;
        double[] machine = ProcStats.machineCpuSeconds();
        double busy = (machine[0] - machineStart[0]) / seconds;
        double driver = selfIsSubject ? Double.NaN : self;
        double other = Math.max(0, busy - subject - (selfIsSubject ? 0 : self));
        usage = new Usage(subject, driver, other, loadStart);
    }

    Usage usage() {
        return usage;
    }
}
