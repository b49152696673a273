/**
 * Field-level differences between two JSON trees ({@code DocumentDiff}, {@code FieldChange}), for
 * {@code calico-dcos diff} and for the planner's events saying which fields a spec change touched.
 *
 * <p>Depends on {@code codec} and Jackson's trees.
 */
package dev.calicodcos.model.diff;
