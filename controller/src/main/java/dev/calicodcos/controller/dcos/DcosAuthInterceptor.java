package dev.calicodcos.controller.dcos;

import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Adds {@code Authorization: token=<DC/OS token>} to every request, and on a 401 logs in again and
 * retries exactly once. Install as an application interceptor on the client shared by the master
 * client and the scheduler driver.
 */
public final class DcosAuthInterceptor implements Interceptor {
    private static final Logger LOG = LoggerFactory.getLogger(DcosAuthInterceptor.class);

    private final DcosTokenProvider tokens;

    public DcosAuthInterceptor(DcosTokenProvider tokens) {
        this.tokens = tokens;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        AuthToken token = tokens.token();
        Response response = chain.proceed(authorized(request, token));
        if (response.code() != 401) {
            return response;
        }
        response.close();
        LOG.info("request unauthorized, retrying once with a new token path={}", request.url().encodedPath());
        return chain.proceed(authorized(request, tokens.refreshAfterRejection(token)));
    }

    private static Request authorized(Request request, AuthToken token) {
        return request.newBuilder().header("Authorization", token.authorizationHeader()).build();
    }
}
