package dev.calicodcos.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cannot fetch https://calico:s3cret@artifacts.example.com/cni/calico: refused | cannot fetch https://***@artifacts.example.com/cni/calico: refused",
            "GET https://bucket.s3.amazonaws.com/calico?X-Amz-Signature=abc123&X-Amz-Expires=60 answered 403 | GET https://bucket.s3.amazonaws.com/calico?*** answered 403",
            "etcd at http://root:pw@10.0.0.1:2379 and https://u@h/x?t=1 | etcd at http://***@10.0.0.1:2379 and https://***@h/x?***",
            "file:///tmp/calico has sha256 00 | file:///tmp/calico has sha256 00",
            "no url here, just a@b | no url here, just a@b"})
    void urlCredentialsAndQueriesAreRedactedAndTheRestKept(String text, String redacted) {
        assertThat(Redaction.text(text)).isEqualTo(redacted);
    }

    @Test
    void nothingToRedactIsTheSameString() {
        String text = "step failed step=cni reason=DownloadFailed";
        assertThat(Redaction.text(text)).isSameAs(text);
        assertThat(Redaction.text(null)).isNull();
    }

    @Test
    void aDiffOfAUrlWithCredentialsShowsTheChangeWithoutThem() {
        var change = new dev.calicodcos.model.diff.FieldChange("spec.cni.plugins.calico.url",
                java.util.Optional.of(com.fasterxml.jackson.databind.node.TextNode.valueOf("https://ci:old-pass@artifacts/calico")),
                java.util.Optional.of(com.fasterxml.jackson.databind.node.TextNode.valueOf("https://ci:new-pass@artifacts/calico")));

        assertThat(change.describe()).isEqualTo("~ spec.cni.plugins.calico.url: \"https://***@artifacts/calico\" → \"https://***@artifacts/calico\"");
    }
}
