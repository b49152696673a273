/**
 * The jar's Main-Class, compiled for Java 8 so that any Java can load it: {@code Main} asks
 * {@code JavaVersionCheck} whether this Java is 17 or newer; if not, it prints one line naming the runtime to use
 * instead, else it starts the CLI ({@code dev.calicodcos.controller.cli.CalicoDcos}), found by name so that no
 * Java 17 class is linked.
 *
 * <p>Uses only {@code java.*}, and its class files stay Java 8 (version 52). Checked by {@code LayeringTest}
 * (src/test).
 */
package dev.calicodcos.launcher;
