package org.telenc.engine.bench;

/**
 * CPU used during a measurement window, in cores (1.0 = one core busy for the whole window): by the
 * process under test, by this JVM (the load driver, or the ceiling program itself), and by
 * everything else on the machine (other builds: the noise to read next to every number).
 */
final class CpuMeter implements ClosedLoop.Window {

    private final long subjectPid;
    private final long sandboxPid;
    private final boolean selfIsSubject;
    private double subjectStart;
    private double sandboxStart;
    private double selfStart;
    private double[] machineStart;
    private long startNanos;
    private volatile Usage usage = new Usage(Double.NaN, Double.NaN, Double.NaN, "?", Double.NaN);
    private String loadStart = "?";

    /** @param subjectPid the process under test; this JVM's own pid to measure only itself */
    CpuMeter(long subjectPid) {
        this(subjectPid, -1);
    }

    /**
     * @param subjectPid the process under test
     * @param sandboxPid a second process measured apart (the sandbox EMR in a process of its own), -1 for none
     */
    CpuMeter(long subjectPid, long sandboxPid) {
        this.subjectPid = subjectPid;
        this.sandboxPid = sandboxPid;
        this.selfIsSubject = subjectPid == ProcessHandle.current().pid();
    }

    /**
     * @param subject cores used by the process under test
     * @param driver cores used by this JVM (NaN when this JVM is the subject)
     * @param other cores used by every other process on the machine (the sandbox process not included)
     * @param sandbox cores used by the second process, NaN if none was given
     */
    record Usage(double subject, double driver, double other, String loadAverage, double sandbox) {
    }

    @Override
    public synchronized void started() {
        startNanos = System.nanoTime();
        subjectStart = ProcStats.cpuSeconds(subjectPid);
        sandboxStart = sandboxPid < 0 ? 0 : ProcStats.cpuSeconds(sandboxPid);
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
        double sandbox = sandboxPid < 0 ? Double.NaN : (ProcStats.cpuSeconds(sandboxPid) - sandboxStart) / seconds;
        double driver = selfIsSubject ? Double.NaN : self;
        double other = Math.max(0, busy - subject - (selfIsSubject ? 0 : self) - (sandboxPid < 0 ? 0 : sandbox));
        usage = new Usage(subject, driver, other, loadStart, sandbox);
    }

    Usage usage() {
        return usage;
    }
}
