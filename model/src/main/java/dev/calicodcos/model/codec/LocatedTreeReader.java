package dev.calicodcos.model.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads one YAML or JSON document into a tree, defensively: at most {@value #MAX_BYTES} bytes and
 * {@value #MAX_DEPTH} levels, UTF-8 only; duplicate keys, anchors, aliases and explicit tags are
 * refused at the first occurrence (so an alias bomb is never expanded); exactly one document. Every
 * value's position is kept for messages.
 */
public final class LocatedTreeReader {
    public static final int MAX_BYTES = 1024 * 1024;
    static final int MAX_DEPTH = 64;

    private final JsonFactory jsonFactory;
    private final YAMLFactory yamlFactory;

    /** The parsers' own bound, above ours: we refuse at {@value #MAX_DEPTH} ourselves, naming the path. */
    private static final int PARSER_DEPTH = MAX_DEPTH + 8;

    public LocatedTreeReader() {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(PARSER_DEPTH)
                .maxDocumentLength(MAX_BYTES)
                .build();
        this.jsonFactory = JsonFactory.builder().streamReadConstraints(constraints).build();
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(true); // we report duplicates ourselves, with the line
        loader.setMaxAliasesForCollections(1);
        loader.setNestingDepthLimit(PARSER_DEPTH);
        loader.setCodePointLimit(MAX_BYTES);
        this.yamlFactory = YAMLFactory.builder().loaderOptions(loader).streamReadConstraints(constraints).build();
    }

    public LocatedTree read(byte[] content) throws DocumentException {
        if (content.length > MAX_BYTES) {
            throw new DocumentException("file is larger than 1 MiB (" + content.length + " bytes)", null);
        }
        // Parsed as text we decoded: given bytes, both parsers guess UTF-16 or UTF-32 from NULs.
        String text = utf8(content);
        Map<String, SourceLocation> locations = new HashMap<>();
        try (JsonParser parser = looksLikeJson(content)
                ? jsonFactory.createParser(text)
                : yamlFactory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                throw new DocumentException("file is empty: expected a CalicoCluster document", null);
            }
            if (first != JsonToken.START_OBJECT) {
                throw new DocumentException("expected a CalicoCluster mapping at the top level, found "
                        + describe(first), at(parser.currentTokenLocation()));
            }
            checkYamlExtras(parser);
            ObjectNode root = readObject(parser, "", 1, locations);
            if (parser.nextToken() != null) {
                throw new DocumentException("only one document is allowed per file", at(parser.currentTokenLocation()));
            }
            return new LocatedTree(root, locations);
        } catch (StreamConstraintsException e) {
            throw new DocumentException("the document is nested deeper than " + MAX_DEPTH + " levels", at(e.getLocation()));
        } catch (JsonProcessingException e) {
            throw new DocumentException(words(e.getOriginalMessage()), at(e.getLocation()));
        } catch (IOException e) {
            throw new DocumentException("cannot read document: " + e.getMessage(), null);
        }
    }

    private ObjectNode readObject(JsonParser p, String path, int depth, Map<String, SourceLocation> locations)
            throws IOException, DocumentException {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            SourceLocation keyAt = at(p.currentTokenLocation());
            String childPath = DocumentPaths.child(path, key);
            if (node.has(key)) {
                throw new DocumentException("duplicate key '" + key + "' in " + (path.isEmpty() ? "the document" : path), keyAt);
            }
            p.nextToken();
            locations.put(childPath, keyAt);
            node.set(key, readValue(p, childPath, depth, locations));
        }
        return node;
    }

    private JsonNode readValue(JsonParser p, String path, int parentDepth, Map<String, SourceLocation> locations)
            throws IOException, DocumentException {
        checkYamlExtras(p);
        JsonToken token = p.currentToken();
        int depth = parentDepth + 1;
        if (token.isStructStart() && depth > MAX_DEPTH) {
            throw new DocumentException(path + ": nested deeper than " + MAX_DEPTH + " levels", at(p.currentTokenLocation()));
        }
        switch (token) {
            case START_OBJECT:
                return readObject(p, path, depth, locations);
            case START_ARRAY: {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String itemPath = DocumentPaths.index(path, i++);
                    locations.put(itemPath, at(p.currentTokenLocation()));
                    array.add(readValue(p, itemPath, depth, locations));
                }
                return array;
            }
            case VALUE_STRING:
                return JsonNodeFactory.instance.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return JsonNodeFactory.instance.numberNode(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                return JsonNodeFactory.instance.numberNode(p.getDecimalValue());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return JsonNodeFactory.instance.booleanNode(p.getBooleanValue());
            case VALUE_NULL:
                return JsonNodeFactory.instance.nullNode();
            default:
                throw new DocumentException("unexpected " + describe(token), at(p.currentTokenLocation()));
        }
    }

    /** YAML features a spec never needs and that make documents expand or change type. */
    private static void checkYamlExtras(JsonParser p) throws IOException, DocumentException {
        if (!(p instanceof YAMLParser yaml)) {
            return;
        }
        if (yaml.isCurrentAlias() || yaml.getObjectId() != null) {
            throw new DocumentException("YAML anchors and aliases are not allowed", at(p.currentTokenLocation()));
        }
        if (yaml.getTypeId() != null) {
            throw new DocumentException("explicit YAML tags (" + yaml.getTypeId() + ") are not allowed", at(p.currentTokenLocation()));
        }
    }

    /**
     * The text, without a byte order mark; bytes that are not UTF-8 are refused at their line and
     * column (both parsers would stop there with a message about their internals and no position).
     */
    private static String utf8(byte[] content) throws DocumentException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(content.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            out.flip();
            return out.length() > 0 && out.charAt(0) == '\uFEFF' ? out.subSequence(1, out.length()).toString() : out.toString();
        }
        int bad = in.position();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < bad; i++) {
            if (content[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = 1 + (int) new String(content, lineStart, bad - lineStart, StandardCharsets.UTF_8).codePoints().count();
        throw new DocumentException(String.format("the file is not UTF-8: byte 0x%02X cannot start or continue a character",
                content[bad] & 0xff), new SourceLocation(line, column));
    }

    private static boolean looksLikeJson(byte[] content) {
        for (byte b : content) {
            if (b == '{' || b == '[') {
                return true;
            }
            if (!Character.isWhitespace(b) && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF) {
                return false;
            }
        }
        return false;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    private static SourceLocation at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return null;
        }
        return new SourceLocation(location.getLineNr(), Math.max(1, location.getColumnNr()));
    }

    /**
     * The parser's message for the user: an alias where a key belongs is named as what it is, and
     * SnakeYAML's event classes ({@code <org.yaml.snakeyaml.events.AliasEvent(anchor=a)>}) as YAML words.
     */
    private static String words(String message) {
        String line = oneLine(message)
                .replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
        if (line.contains("AliasEvent")) {
            return "YAML anchors and aliases are not allowed";
        }
        return line.replaceAll("<?org\\.yaml\\.snakeyaml\\.events\\.([A-Za-z]+)Event(\\([^)]*\\))?>?", "YAML $1")
                .replaceAll("\\b(?:java|javax|com|org)\\.(?:[a-z0-9]+\\.)*([A-Z][A-Za-z]*)", "$1");
    }

    /** Parser messages span several lines and repeat the position; we print one line. */
    private static String oneLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        return message.replaceAll("\\s*in 'reader', line \\d+, column \\d+:?", "")
                .replaceAll("\\s*\\n\\s*", " ")
                .replaceAll("\\s+\\^", "")
                .strip();
    }
}
