/**
 * A stand-in for the Java 8 that DC/OS ships at {@code /opt/mesosphere/active/java/usr/java}: a shell
 * script that runs {@link dev.calicodcos.sim.java8.Java8Launcher} on the simulator's own JVM, which
 * loads the program through a class loader that refuses class files newer than Java 8 with Java 8's
 * own error, and makes the program see itself on Java 8. JDK only.
 */
package dev.calicodcos.sim.java8;
