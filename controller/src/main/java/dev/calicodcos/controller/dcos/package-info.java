/**
 * DC/OS service-account authentication: a login JWT signed with the account's RSA key
 * ({@link dev.calicodcos.controller.dcos.IamLogin}), the cached and refreshed DC/OS token
 * ({@link dev.calicodcos.controller.dcos.DcosTokenProvider}), and the okhttp interceptor that puts it on every
 * request and retries a 401 once ({@link dev.calicodcos.controller.dcos.DcosAuthInterceptor}).
 *
 * <p>Keys and tokens never appear in log lines, exception messages or {@code toString()}.
 */
package dev.calicodcos.controller.dcos;
