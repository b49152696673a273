package dev.calicodcos.sim.proto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Map;

/**
 * JSON to Mesos protobuf and back, stricter than a real master on input.
 *
 * <p>A real master silently ignores unknown JSON fields; we reject them (and lowerCamelCase
 * spellings, which protobuf-java-util would otherwise accept) so that a misspelt field fails a test
 * instead of silently doing nothing on a real cluster. Deliberate deviation, see sim/README.md.
 */
public final class StrictJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();   // no ignoringUnknownFields: strict
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace().includingDefaultValueFields(explicitDefaults());

    // protobuf-java-util also takes unpadded and URL-safe base64; Mesos expects the standard padded form
    private static final Pattern PADDED_BASE64 =
            Pattern.compile("^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$");

    private StrictJson() {}

    /** Parses {@code json} into {@code builder}; throws with a master-like message on any problem. */
    public static <B extends Message.Builder> B parse(String json, B builder) throws ParseFailure {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new ParseFailure("Failed to parse body into JSON: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new ParseFailure("Failed to parse body into JSON: not a JSON object");
        }
        checkFieldNames(tree, builder.getDescriptorForType(), "");
        try {
            PARSER.merge(json, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            String message = String.valueOf(e.getMessage()).replace("Message missing required fields", "Missing required fields");
            throw new ParseFailure("Failed to convert JSON into " + builder.getDescriptorForType().getName()
                    + " protobuf: " + message);
        }
        if (!builder.isInitialized()) {
            throw new ParseFailure("Failed to convert JSON into " + builder.getDescriptorForType().getName()
                    + " protobuf: Missing required fields: "
                    + String.join(", ", builder.buildPartial().findInitializationErrors()));
        }
        return builder;
    }

    /** Compact JSON with proto field names, as the master writes it. */
    public static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass(), e);
        }
    }

    /**
     * Mesos writes unset optional fields that carry an explicit proto2 default unless deprecated
     * (reference section 1, rule 8): {@code CommandInfo.shell: true}, {@code Filters.refuse_seconds: 5.0}, ...
     */
    private static java.util.Set<FieldDescriptor> explicitDefaults() {
        java.util.Set<FieldDescriptor> out = new java.util.HashSet<>();
        java.util.ArrayDeque<Descriptor> todo = new java.util.ArrayDeque<>();
        todo.addAll(org.apache.mesos.v1.Protos.getDescriptor().getMessageTypes());
        todo.addAll(org.apache.mesos.v1.scheduler.Protos.getDescriptor().getMessageTypes());
        todo.addAll(org.apache.mesos.v1.master.Protos.getDescriptor().getMessageTypes());
        while (!todo.isEmpty()) {
            Descriptor type = todo.pop();
            todo.addAll(type.getNestedTypes());
            for (FieldDescriptor f : type.getFields()) {
                if (!f.isRepeated() && f.hasDefaultValue() && !f.getOptions().getDeprecated()
                        && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE && f.getContainingOneof() == null) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    private static void checkFieldNames(JsonNode node, Descriptor type, String path) throws ParseFailure {
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            FieldDescriptor field = type.findFieldByName(entry.getKey());
            if (field == null) {
                throw new ParseFailure("Failed to convert JSON into " + type.getName() + " protobuf: unknown field '"
                        + path + entry.getKey() + "' (simulator strictness: a real master ignores it)");
            }
            checkValue(entry.getValue(), field, path + entry.getKey());
        }
    }

    private static void checkValue(JsonNode value, FieldDescriptor field, String path) throws ParseFailure {
        if (field.getType() == FieldDescriptor.Type.BYTES) {
            for (JsonNode v : value.isArray() ? value : List.of(value)) {
                if (v.isTextual() && !PADDED_BASE64.matcher(v.asText()).matches()) {
                    throw new ParseFailure("Failed to convert JSON into protobuf: field '" + path
                            + "' is not standard base64 with padding");
                }
            }
            return;
        }
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            return;
        }
        if (field.isMapField()) {
            FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
            if (value.isObject() && valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                Iterator<Map.Entry<String, JsonNode>> entries = value.properties().iterator();
                while (entries.hasNext()) {
                    Map.Entry<String, JsonNode> e = entries.next();
                    if (e.getValue().isObject()) {
                        checkFieldNames(e.getValue(), valueField.getMessageType(), path + "." + e.getKey() + ".");
                    }
                }
            }
            return;
        }
        if (field.isRepeated() && value.isArray()) {
            int i = 0;
            for (JsonNode element : value) {
                if (element.isObject()) {
                    checkFieldNames(element, field.getMessageType(), path + "[" + i + "].");
                }
                i++;
            }
        } else if (value.isObject()) {
            checkFieldNames(value, field.getMessageType(), path + ".");
        }
    }

    /** A body that a master would answer with 400. */
    public static final class ParseFailure extends Exception {
        public ParseFailure(String message) {
            super(message);
        }
    }
}
