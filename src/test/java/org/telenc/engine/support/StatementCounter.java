package org.telenc.engine.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Counts the statements the engine sends to its real database, by their SQL text: a
 * {@link BeanPostProcessor} that hands the engine its data source wrapped, every connection's
 * {@code prepareStatement}/{@code prepareCall} and {@code Statement.execute*} counted on the way
 * to the driver. Register it as a bean (a {@code @TestConfiguration}) in an engine of its own.
 */
public final class StatementCounter implements BeanPostProcessor {

    private static final Map<String, AtomicLong> BY_SQL = new ConcurrentHashMap<>();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        return bean instanceof DataSource dataSource && !(bean instanceof Counting) ? new Counting(dataSource) : bean;
    }

    /** Statements sent whose text contains {@code fragment}. */
    public static long count(String fragment) {
        return BY_SQL.entrySet().stream().filter(e -> e.getKey().contains(fragment)).mapToLong(e -> e.getValue().get()).sum();
    }

    public static void reset() {
        BY_SQL.clear();
    }

    /** Every statement text sent since the last reset, with its count. */
    public static Map<String, Long> all() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        BY_SQL.forEach((sql, count) -> counts.put(sql, count.get()));
        return counts;
    }

    private static void counted(Object sql) {
        if (sql instanceof String text) {
            BY_SQL.computeIfAbsent(text, t -> new AtomicLong()).incrementAndGet();
        }
    }

    private static final class Counting extends DelegatingDataSource {

        Counting(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return counting(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return counting(super.getConnection(username, password));
        }
    }

    private static Connection counting(Connection connection) {
        return (Connection) Proxy.newProxyInstance(StatementCounter.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler(connection, (proxy, method, args) -> {
                    if ((method.getName().equals("prepareStatement") || method.getName().equals("prepareCall"))
                            && args != null && args.length > 0) {
                        counted(args[0]);
                    }
                    Object result = invoke(method, connection, args);
                    if (result instanceof Statement statement && method.getName().equals("createStatement")) {
                        return (Statement) Proxy.newProxyInstance(StatementCounter.class.getClassLoader(),
                                new Class<?>[] {Statement.class}, handler(statement, (p, m, a) -> {
                                    if (m.getName().startsWith("execute") && a != null && a.length > 0) {
                                        counted(a[0]);
                                    }
                                    return invoke(m, statement, a);
                                }));
                    }
                    return result;
                }));
    }

    private static InvocationHandler handler(Object target, InvocationHandler counting) {
        return (proxy, method, args) -> {
            if (method.getName().equals("unwrap") && args != null && args[0] instanceof Class<?> type && type.isInstance(target)) {
                return target;
            }
            return counting.invoke(proxy, method, args);
        };
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
