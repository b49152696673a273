/**
 * The step contract (render, reconcile, remove; outcomes, never sleeps) and the restart rule shared by the
 * disruptive steps. See reconcilers/DESIGN.md.
 */
package dev.calicodcos.reconcilers.step;
