package dev.calicodcos.reconcilers.host;

/** Fetches a file the spec names (http, https or file URL). */
public interface Downloader {
    /** The whole content; throws {@link StepFailure} ({@code DownloadFailed}) when it cannot. */
    byte[] fetch(String url);
}
