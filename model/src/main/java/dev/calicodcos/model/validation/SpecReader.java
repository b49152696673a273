package dev.calicodcos.model.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.model.codec.BindingException;
import dev.calicodcos.model.codec.DocumentException;
import dev.calicodcos.model.codec.LocatedTree;
import dev.calicodcos.model.codec.LocatedTreeReader;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.CalicoCluster;
import java.util.List;

/**
 * The only way user input becomes a {@link CalicoCluster}: read the document defensively, check it
 * against the published schema, fill in defaults, bind it, then run the semantic rules. Every
 * problem is reported (not just the first), each with the line it concerns.
 */
public final class SpecReader {
    private final LocatedTreeReader treeReader = new LocatedTreeReader();
    private final SchemaValidator schemaValidator;
    private final SpecDefaults defaults;
    private final SemanticRules rules = new SemanticRules();
    private final SpecCodec codec;

    public SpecReader(SpecCodec codec) {
        CalicoClusterSchema schema = new CalicoClusterSchema();
        this.codec = codec;
        this.schemaValidator = new SchemaValidator(schema);
        this.defaults = new SpecDefaults(schema);
    }

    public ReadResult read(byte[] content) {
        LocatedTree tree;
        try {
            tree = treeReader.read(content);
        } catch (DocumentException e) {
            return new ReadResult.Invalid(List.of(new Problem(e.location(), e.getMessage(), Violation.Severity.ERROR)));
        }
        tree.root().remove("status"); // written by the controller, never applied
        List<Violation> schemaViolations = schemaValidator.validate(tree.root());
        if (!schemaViolations.isEmpty()) {
            return new ReadResult.Invalid(locate(tree, schemaViolations));
        }
        ObjectNode defaulted = defaults.apply(tree.root());
        CalicoCluster cluster;
        try {
            cluster = codec.bind(defaulted, CalicoCluster.class);
        } catch (BindingException e) {
            return new ReadResult.Invalid(locate(tree, List.of(Violation.error(e.path(), e.getMessage()))));
        }
        List<Violation> semantic = rules.check(cluster);
        List<Problem> problems = locate(tree, semantic);
        if (semantic.stream().anyMatch(Violation::isError)) {
            return new ReadResult.Invalid(problems);
        }
        return new ReadResult.Valid(cluster, problems);
    }

    private static List<Problem> locate(LocatedTree tree, List<Violation> violations) {
        return violations.stream()
                .sorted((a, b) -> Boolean.compare(!a.isError(), !b.isError()))
                .map(v -> new Problem(tree.locate(v.path()), v.toString(), v.severity()))
                .toList();
    }
}
