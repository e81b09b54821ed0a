/**
 * The contract between the route files ({@code routes/**}{@code /*.camel.yaml}) and the beans they
 * call: the names of the exchange properties ({@link org.telenc.engine.routes.ExchangeProperties})
 * and message headers ({@link org.telenc.engine.routes.MessageHeaders}) both sides use. A route sets
 * or reads them by these names; a bean binds them with {@code @ExchangeProperty} / {@code @Header}
 * and one of these constants. {@code RouteBeanContractTest} reads the route files and fails on a
 * name that is not declared here, on a bean or method a route names that does not exist, and on
 * two names for one object. This package depends on nothing, so every feature may use it.
 */
package org.telenc.engine.routes;
