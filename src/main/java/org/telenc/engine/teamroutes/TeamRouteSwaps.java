package org.telenc.engine.teamroutes;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Keeps a call into a team route and a reload's swap of the team's routes apart. A call (an
 * extension point's run) holds the shared side for its whole length; a reload holds the exclusive
 * side while it removes the old version and loads the new. So a call runs wholly on one version:
 * it never holds the old route's consumer while that route is being stopped and removed, which is
 * the moment Camel's {@code direct} producer could otherwise hand an exchange to a stopped route
 * (the call then failed, and an {@code after-outcome} run was lost). Calls made while a swap runs
 * wait for it (a swap takes milliseconds); a swap waits for the calls in flight, at most
 * {@code wait}, and is tried again at the next poll when they take longer.
 *
 * <p>After a swap, still under the exclusive side, the {@link #afterEachSwap} actions run: a caller
 * drops its producers there. Camel's {@code direct} producer caches the consumer it last found and
 * refreshes it when the component's consumers changed, but not atomically: a thread can read the new
 * state and the old consumer, and so hand its exchange to the stopped old route
 * ({@code RejectedExecutionException}). A producer created after the swap never held the old one.
 */
@Component
public class TeamRouteSwaps {

    /** Not fair: calls do not queue behind one another; a waiting swap still holds off new calls. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Runnable> afterSwap = new CopyOnWriteArrayList<>();

    /** An action run after each swap, while no call runs. */
    public void afterEachSwap(Runnable action) {
        afterSwap.add(action);
    }

    /** Runs a call into a team route; no swap happens while it runs. */
    public <T> T call(Supplier<T> call) {
        lock.readLock().lock();
        try {
            return call.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A swap of the team's routes: no call runs while it does. */
    @FunctionalInterface
    public interface Swap {
        void run() throws Exception;
    }

    /**
     * Runs the swap once the calls in flight are done; false, with nothing run, when they are not
     * done within {@code wait}.
     */
    public boolean swap(Duration wait, Swap swap) throws Exception {
        if (!lock.writeLock().tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        try {
            try {
                swap.run();
            } finally {
                afterSwap.forEach(Runnable::run);
            }
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
