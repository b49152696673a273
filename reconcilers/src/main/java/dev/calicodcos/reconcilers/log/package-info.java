/**
 * Logging shared by the two loops that retry (the node agent's and the controller's reconcile loop): a
 * failure that repeats at every retry shows its stack trace once. Depends on slf4j only.
 */
package dev.calicodcos.reconcilers.log;
