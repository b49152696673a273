package dev.calicodcos.reconcilers.etcdproxy;

import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/** Just enough of tar to take one member (the {@code etcd} binary) out of a release tarball. */
final class TarGz {
    private TarGz() {}

    /** The content of the first regular file whose name ends with {@code "/" + name} or equals it. */
    static byte[] member(byte[] tarGz, String name) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String entry = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                String path = prefix.isEmpty() ? entry : prefix + "/" + entry;
                long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
                byte type = header[156];
                byte[] content = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if ((type == '0' || type == 0) && (path.equals(name) || path.endsWith("/" + name))) {
                    return content;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new StepFailure(StepReason.DOWNLOAD_INVALID, "not a readable .tar.gz: " + e.getMessage(), e);
        }
        throw new StepFailure(StepReason.DOWNLOAD_INVALID, "the tarball has no member " + name);
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
