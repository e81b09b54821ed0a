/**
 * An integration team's own route files ({@code engine.routes.extra-location}): the checks on them
 * ({@link org.telenc.engine.teamroutes.TeamRouteFolder}, with the Camel YAML DSL schema of
 * {@link org.telenc.engine.teamroutes.YamlDslSchema}), loading them at start
 * ({@link org.telenc.engine.teamroutes.TeamRoutesStartup}), reload on change
 * ({@link org.telenc.engine.teamroutes.TeamRoutesReload}) and the check command
 * ({@link org.telenc.engine.teamroutes.TeamRoutesCheck}). Depends on no other engine package.
 */
package org.telenc.engine.teamroutes;
