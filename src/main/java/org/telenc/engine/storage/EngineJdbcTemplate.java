package org.telenc.engine.storage;

import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.jdbc.JdbcProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.jdbc.core.PreparedStatementSetter;
import org.springframework.jdbc.core.SqlProvider;

/**
 * The engine's one {@link JdbcTemplate} (Spring Boot's, with its {@code spring.jdbc.template.*}
 * settings), which tells {@link TableWrites} of every statement that may write, so the caches of
 * rarely changing rows are dropped by whoever writes them: the admin API, the provisioning file, the
 * reference sync, a key rotation, or a test standing in for another replica. An update that changed
 * no row (a conditional one whose condition did not hold) is no write: it drops nothing.
 */
public class EngineJdbcTemplate extends JdbcTemplate {

    /** A statement that failed may have written: it counts like one that changed rows. */
    private static final int CHANGED_UNKNOWN = -1;

    private final TableWrites writes;

    EngineJdbcTemplate(DataSource dataSource, TableWrites writes) {
        super(dataSource);
        this.writes = writes;
    }

    @Override
    protected int update(PreparedStatementCreator psc, PreparedStatementSetter pss) throws DataAccessException {
        int changed = CHANGED_UNKNOWN;
        try {
            changed = super.update(psc, pss);
            return changed;
        } finally {
            if (changed != 0 && psc instanceof SqlProvider sql) {
                writes.written(sql.getSql());
            }
        }
    }

    @Override
    public int update(String sql) throws DataAccessException {
        int changed = CHANGED_UNKNOWN;
        try {
            changed = super.update(sql);
            return changed;
        } finally {
            if (changed != 0) {
                writes.written(sql);
            }
        }
    }

    @Override
    public void execute(String sql) throws DataAccessException {
        try {
            super.execute(sql);
        } finally {
            writes.written(sql);
        }
    }

    @Override
    public int[] batchUpdate(String... sql) throws DataAccessException {
        try {
            return super.batchUpdate(sql);
        } finally {
            for (String statement : sql) {
                writes.written(statement);
            }
        }
    }

    @Override
    public int[] batchUpdate(String sql, BatchPreparedStatementSetter pss) throws DataAccessException {
        try {
            return super.batchUpdate(sql, pss);
        } finally {
            writes.written(sql);
        }
    }

    @Override
    public int[] batchUpdate(String sql, List<Object[]> batchArgs, int[] argTypes) throws DataAccessException {
        try {
            return super.batchUpdate(sql, batchArgs, argTypes);
        } finally {
            writes.written(sql);
        }
    }

    /** Replaces Spring Boot's JdbcTemplate bean (it backs off when one is defined), with its settings. */
    @Configuration(proxyBeanMethods = false)
    static class JdbcTemplateConfiguration {

        @Bean
        JdbcTemplate jdbcTemplate(DataSource dataSource, JdbcProperties properties, TableWrites writes) {
            JdbcTemplate template = new EngineJdbcTemplate(dataSource, writes);
            JdbcProperties.Template settings = properties.getTemplate();
            template.setFetchSize(settings.getFetchSize());
            template.setMaxRows(settings.getMaxRows());
            if (settings.getQueryTimeout() != null) {
                template.setQueryTimeout((int) settings.getQueryTimeout().getSeconds());
            }
            return template;
        }
    }
}
