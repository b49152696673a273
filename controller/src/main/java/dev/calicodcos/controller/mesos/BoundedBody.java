package dev.calicodcos.controller.mesos;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.ResponseBody;

/**
 * A master answer read with a size limit: a body whose declared length, or whose bytes as read, pass the
 * limit fails at once with {@link MesosException.Reason#TOO_LARGE}, naming the request and the limit, and
 * nothing past the limit is read. (With gzip, which okhttp asks for and undoes, the bytes counted are
 * the decompressed ones: what would be parsed.)
 */
final class BoundedBody {
    private BoundedBody() {}

    /** @param what the request, e.g. {@code GET /master/slaves} */
    static InputStream open(ResponseBody body, long limit, String what) {
        if (body.contentLength() > limit) {
            throw tooLarge(what, limit);
        }
        return new FilterInputStream(body.byteStream()) {
            private long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, (int) Math.min(length, limit + 1 - read));
                count(Math.max(n, 0));
                return n;
            }

            private void count(int n) {
                read += n;
                if (read > limit) {
                    throw tooLarge(what, limit);
                }
            }
        };
    }

    static MesosException tooLarge(String what, long limit) {
        String mib = limit >= 1024 * 1024 ? " (" + limit / (1024 * 1024) + " MiB)" : "";
        return new MesosException(MesosException.Reason.TOO_LARGE, what + " answered more than " + limit + " bytes" + mib
                + ", the limit set for it");
    }
}
