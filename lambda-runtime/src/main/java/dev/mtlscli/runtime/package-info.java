/**
 * What a Java Lambda function uses to call its mTLS backends with the material mtls-cli
 * publishes: {@link dev.mtlscli.runtime.MtlsClients#forServices} reads each service's layer
 * directory (/opt/mtls/&lt;service&gt;/), fetches the store passwords pinned in its manifest, and
 * builds one {@link dev.mtlscli.runtime.MtlsClient} per service, during the function's init.
 *
 * <pre>{@code
 * // a static field of the handler class: built once, in the function's init
 * static final MtlsClients CLIENTS = MtlsClients.forServices("service-1");
 * // in handleRequest
 * HttpResponse<String> response = CLIENTS.client("service-1").get(URI.create("https://backend-service-1.com/"));
 * }</pre>
 *
 * <p>A whole function, its pom included, is examples/minimal-lambda in the mtls-cli repository.
 *
 * <p>Every failure is an {@link dev.mtlscli.runtime.MtlsRuntimeException} whose message says
 * what to fix. The packages documented here are the library's API; {@code dev.mtlscli.runtime.json}
 * (its JSON reader) is not.
 */
package dev.mtlscli.runtime;
