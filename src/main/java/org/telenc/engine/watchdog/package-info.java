/**
 * The job watchdog: no job stays {@code processing} for ever. A job still processing long past its
 * redelivery and EMR-retry budget is re-queued once in a message group of its own (a group the
 * broker stranded cannot hold it), then, if still processing, ended {@code failed}
 * ({@code internal_error}) through its kind's usual finish, with its webhook.
 */
package org.telenc.engine.watchdog;
