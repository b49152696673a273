package dev.calicodcos.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LocatedTreeReaderTest {
    private final LocatedTreeReader reader = new LocatedTreeReader();

    private LocatedTree read(String text) throws DocumentException {
        return reader.read(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void recordsTheLineAndColumnOfEveryKey() throws DocumentException {
        LocatedTree tree = read("a: 1\nb:\n  c: [x, y]\n");

        assertThat(tree.locate("b.c")).contains(new SourceLocation(3, 3));
        assertThat(tree.locate("b.c[1]")).contains(new SourceLocation(3, 10));
        assertThat(tree.locate("b.c[1].missing")).contains(new SourceLocation(3, 10));
    }

    @Test
    void readsJsonWithLocationsToo() throws DocumentException {
        LocatedTree tree = read("{\n  \"a\": {\"b\": true}\n}");

        assertThat(tree.root().at("/a/b").asBoolean()).isTrue();
        assertThat(tree.locate("a.b")).map(SourceLocation::line).contains(2);
    }

    @Test
    void refusesDuplicateKeysWithTheLineOfTheSecond() {
        assertThatThrownBy(() -> read("a: 1\nb: 2\na: 3\n"))
                .isInstanceOf(DocumentException.class)
                .hasMessage("duplicate key 'a' in the document")
                .satisfies(e -> assertThat(((DocumentException) e).location()).contains(new SourceLocation(3, 1)));
    }

    @Test
    void refusesAnAliasBombAtTheFirstAnchorWithoutExpandingIt() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append("]\n");
        }

        assertThatThrownBy(() -> read(bomb.toString()))
                .isInstanceOf(DocumentException.class)
                .hasMessage("YAML anchors and aliases are not allowed");
    }

    @Test
    void refusesExplicitTags() {
        assertThatThrownBy(() -> read("a: !!python/object:os.system echo\n"))
                .isInstanceOf(DocumentException.class)
                .hasMessageStartingWith("explicit YAML tags");
        assertThatThrownBy(() -> read("a: !!str 12\n")).isInstanceOf(DocumentException.class);
    }

    @Test
    void refusesFilesOverOneMebibyte() {
        byte[] big = ("a: \"" + "x".repeat(LocatedTreeReader.MAX_BYTES) + "\"\n").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> reader.read(big)).hasMessageStartingWith("file is larger than 1 MiB");
    }

    @Test
    void refusesEmptyFilesAndNonMappingDocuments() {
        assertThatThrownBy(() -> read("")).hasMessageStartingWith("file is empty");
        assertThatThrownBy(() -> read("# only a comment\n")).hasMessageStartingWith("file is empty");
        assertThatThrownBy(() -> read("- a\n- b\n")).hasMessageStartingWith("expected a CalicoCluster mapping at the top level, found a list");
        assertThatThrownBy(() -> read("\"text\"")).hasMessageStartingWith("expected a CalicoCluster mapping");
    }

    @Test
    void refusesASecondDocument() {
        assertThatThrownBy(() -> read("a: 1\n---\nb: 2\n")).hasMessage("only one document is allowed per file");
    }

    @Test
    void refusesDeepNesting() {
        String deep = "[".repeat(200) + "]".repeat(200);

        assertThatThrownBy(() -> read("{\"a\": " + deep + "}")).isInstanceOf(DocumentException.class);
    }

    @Test
    void reportsSyntaxErrorsOnOneLineWithTheirPosition() {
        assertThatThrownBy(() -> read("a: [1, 2\nb: 3\n"))
                .isInstanceOf(DocumentException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n");
                    assertThat(((DocumentException) e).location()).isPresent();
                });
        assertThatThrownBy(() -> read("{\"a\": 1,}"))
                .isInstanceOf(DocumentException.class)
                .satisfies(e -> assertThat(((DocumentException) e).location()).contains(new SourceLocation(1, 9)));
    }
}
