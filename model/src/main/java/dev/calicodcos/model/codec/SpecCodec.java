package dev.calicodcos.model.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The object mappers for our documents. Output is deterministic (sorted map keys, absent
 * optionals omitted) so that what we write is stable and comparable. Reading user input goes
 * through {@link LocatedTreeReader} first; these mappers only bind already-checked trees.
 */
public final class SpecCodec {
    private final ObjectMapper json;
    private final ObjectMapper yaml;
    private final ObjectMapper canonical;

    public SpecCodec() {
        this.json = configure(JsonMapper.builder().build()).enable(SerializationFeature.INDENT_OUTPUT);
        this.yaml = configure(YAMLMapper.builder(YAMLFactory.builder()
                        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                        .build())
                .build());
        this.canonical = configure(JsonMapper.builder()
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .build());
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule durations = new SimpleModule("durations")
                .addSerializer(Duration.class, new DurationSerializer())
                .addDeserializer(Duration.class, new DurationDeserializer());
        return mapper
                .registerModule(new Jdk8Module())
                .registerModule(new JavaTimeModule())
                .registerModule(durations)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setDefaultPropertyInclusion(JsonInclude.Include.NON_ABSENT);
    }

    public ObjectMapper json() {
        return json;
    }

    public ObjectMapper yaml() {
        return yaml;
    }

    /** Compact JSON with sorted keys: the form that is hashed and compared. */
    public byte[] canonicalBytes(Object value) {
        try {
            JsonNode tree = canonical.valueToTree(value);
            return canonical.writeValueAsBytes(canonical.treeToValue(tree, Object.class));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode toTree(Object value) {
        return canonical.valueToTree(value);
    }

    /**
     * Binds a tree the schema accepted. What the schema cannot express (a number beyond the Java
     * type, a duration beyond {@link Durations#MAX}) is reported at its path, never thrown as a bug.
     */
    public <T> T bind(JsonNode tree, Class<T> type) throws BindingException {
        try {
            return json.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw new BindingException(path(e), message(e));
        } catch (JsonProcessingException e) {
            throw new BindingException("", message(e));
        }
    }

    private static String path(JsonMappingException e) {
        String path = "";
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path = DocumentPaths.child(path, r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path = DocumentPaths.index(path, r.getIndex());
            }
        }
        return path;
    }

    /** Our wording for a number too large for its field, else Jackson's without its type names and on one line. */
    private static String message(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputCoercionException coercion) {
                Class<?> target = coercion.getTargetType();
                return "must be ≤ " + (target == long.class || target == Long.class ? Long.MAX_VALUE : Integer.MAX_VALUE);
            }
        }
        String text = e.getOriginalMessage() == null ? "cannot be read" : e.getOriginalMessage();
        return text.replaceAll("`[^`]*?([A-Za-z0-9_]+)`", "$1").replaceAll("\\s+", " ").strip();
    }

    public <T> T fromTree(JsonNode tree, Class<T> type) {
        try {
            return json.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    public String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String toYaml(Object value) {
        try {
            return yaml.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class DurationSerializer extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(Durations.format(value));
        }
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            try {
                return Durations.parse(p.getValueAsString());
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, e.getMessage(), p.getValueAsString(), Duration.class);
            }
        }
    }
}
