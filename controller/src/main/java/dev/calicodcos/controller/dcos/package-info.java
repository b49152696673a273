/**
 * DC/OS service-account authentication: a login JWT signed with the account's RSA key
 * ({@link dev.calicodcos.controller.dcos.IamLogin}), the cached and refreshed DC/OS token
 * ({@link dev.calicodcos.controller.dcos.DcosTokenProvider}), and the okhttp interceptor that puts it on every
 * request and retries a 401 once ({@link dev.calicodcos.controller.dcos.DcosAuthInterceptor}).
 *
 * <p>Keys and tokens never appear in log lines, exception messages or {@code toString()}.
 *
 * <p>Depends on okhttp, Jackson and the JDK's crypto: on nothing else of ours. Checked by {@code LayeringTest}
 * (src/test).
 */
package dev.calicodcos.controller.dcos;
