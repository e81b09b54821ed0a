/**
 * Webhook body serialization and delivery signatures (docs/api.md "Webhook events" and "Signatures").
 *
 * <p>{@link org.telenc.engine.webhook.signing.CompactJson} writes event bodies that
 * {@code JSON.stringify(JSON.parse(body))} reproduces byte for byte;
 * {@link org.telenc.engine.webhook.signing.WebhookSignatures} computes the {@code cobalt} and
 * {@code standard} signatures and generates secrets; {@link org.telenc.engine.webhook.signing.SignedHeaders}
 * assembles the HTTP headers of one delivery attempt. Nothing in this package logs.
 */
package org.telenc.engine.webhook.signing;
