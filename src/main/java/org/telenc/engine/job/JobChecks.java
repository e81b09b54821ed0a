package org.telenc.engine.job;

import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.telenc.engine.routes.ExchangeProperties;

/**
 * The checks every job kind passes before it is enriched and its EMR steps run, in one place: the
 * process-job template calls them for each kind, so a kind cannot miss one. A job that fails a
 * check ends with that failure and makes no EMR call. Logs name the kind and ids only (no PHI).
 */
@Component("jobChecks")
public class JobChecks {

    private static final Logger log = LoggerFactory.getLogger(JobChecks.class);
    public static final String LOGIN_REQUIRED = "login_required";
    public static final String LINK_EXPIRED = "The EMR refused the engine's credentials; the account link must be set up again";

    /** The job, failed with {@code login_required} when its EMR connection's link is expired. */
    public EmrJob beforeEnrich(@ExchangeProperty(ExchangeProperties.JOB) EmrJob job) {
        if (job.connection().isExpired()) {
            log.warn("{} {}: its EMR connection's link is expired", job.kindName(), job.requestId());
            job.fail(LOGIN_REQUIRED, LINK_EXPIRED);
        }
        return job;
    }
}
