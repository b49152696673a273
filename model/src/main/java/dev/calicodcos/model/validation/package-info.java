/**
 * The one path from bytes to a {@code CalicoCluster}, used by the CLI, the controller and the node agent alike:
 * {@code SpecReader} runs {@code codec}'s defensive reader, the published JSON Schema ({@code SchemaValidator} on
 * {@code CalicoClusterSchema}, the packaged copy of crd-like-schemas/), the schema's defaults
 * ({@code SpecDefaults}), binding, then {@code SemanticRules}; problems come back with their path and line
 * ({@code Violation}, {@code Problem}, {@code ReadResult}). {@code SpecReference} renders docs/spec-reference.md
 * from the same schema.
 *
 * <p>Depends on {@code spec}, {@code codec}, Jackson and networknt's JSON Schema validator.
 */
package dev.calicodcos.model.validation;
